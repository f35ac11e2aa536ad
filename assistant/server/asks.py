"""Asks on their own threads, queued for the model; cancelled the moment their client leaves.

What waits for what:
- an ask runs on one of `workers` ask threads; more asks wait in arrival order for a thread;
- inside the service, retrieval and verification run freely, and generation queues for the
  model (the generator's lock: one answer is decoded at a time);
- searches, paper lookups, health checks and ingest progress run on the server's other threads
  and never wait for an ask or for the model.
A client that disconnects sets its job's `cancel`: the job's next token (or its start, if it was
still queued) raises `Cancelled`, which stops generation and releases the model at once.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.errors import AssistantError, Cancelled, ExitCode

if TYPE_CHECKING:
    from assistant.answering import Answer
    from assistant.retrieval import Turn
    from assistant.service import Assistant


class Busy(AssistantError):
    """More asks are waiting than the server accepts; the client should retry later."""

    exit_code = ExitCode.UNAVAILABLE


@dataclass(eq=False)  # kept in a set: identity, not value
class AskJob:
    loop: asyncio.AbstractEventLoop
    cancel: threading.Event = field(default_factory=threading.Event)
    events: asyncio.Queue = field(default_factory=asyncio.Queue)
    future: asyncio.Future | None = None

    def emit(self, kind: str, data: Any) -> None:
        """From the ask thread to the response: ("retrieved", ...), ("token", ...), ("end", None)."""
        try:
            self.loop.call_soon_threadsafe(self.events.put_nowait, (kind, data))
        except RuntimeError:  # the event loop is gone (server shutting down): nobody listens
            pass

    def check(self) -> None:
        if self.cancel.is_set():
            raise Cancelled("the client disconnected")

    async def stream(self):
        """The job's events as they come, then its answer (or its error)."""
        while True:
            kind, data = await self.events.get()
            if kind == "end":
                break
            yield kind, data
        yield "answer", await self.future


class AskQueue:
    def __init__(self, assistant: Assistant, workers: int = 4, limit: int = 64):
        self.assistant = assistant
        self.limit = limit
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="ask")
        self.jobs: set[AskJob] = set()

    @property
    def pending(self) -> int:
        return len(self.jobs)

    def submit(self, question: str, k: int | None, history: list[Turn], query: str | None = None,
               events: bool = False) -> AskJob:
        if len(self.jobs) >= self.limit:
            raise Busy(f"{len(self.jobs)} questions are already waiting for the model; retry later")
        loop = asyncio.get_running_loop()
        job = AskJob(loop)

        def work() -> Answer:
            try:
                job.check()  # the client may have left while this waited for a thread

                def on_retrieved(used: str, hits) -> None:
                    job.check()
                    if events:
                        job.emit("retrieved", {"standalone_query": used, "hits": [
                            {"id": h.paper.id, "title": h.paper.title, "score": round(h.score, 4)} for h in hits]})

                def on_token(piece: str) -> None:
                    job.check()
                    if events:
                        job.emit("token", piece)

                return self.assistant.ask(question, k, history=history, on_token=on_token,
                                          on_retrieved=on_retrieved, query=query)
            finally:
                job.emit("end", None)

        job.future = loop.run_in_executor(self.pool, work)
        self.jobs.add(job)
        job.future.add_done_callback(lambda future: self._finished(job, future))
        return job

    def _finished(self, job: AskJob, future: asyncio.Future) -> None:
        self.jobs.discard(job)
        if not future.cancelled():
            future.exception()  # retrieved: a job whose client left has nobody else to read it

    def shutdown(self) -> None:
        for job in list(self.jobs):
            job.cancel.set()
        self.pool.shutdown(wait=False, cancel_futures=True)


async def cancel_on_disconnect(receive, cancel: threading.Event) -> None:
    """Wait for the client to go away and say so. Run beside a response whose request body has
    been read: the next ASGI message is then `http.disconnect`."""
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            cancel.set()
            return
