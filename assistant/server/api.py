"""The assistant's own HTTP API: ask, search, papers, ingest, health."""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool

from assistant.corpus import FORMATS
from assistant.errors import AssistantError, InputFileError
from assistant.retrieval import Turn
from assistant.server import sse
from assistant.server.asks import AskJob, cancel_on_disconnect
from assistant.server.guards import error_body, error_response, status_of
from assistant.server.schemas import AskRequest, HistoryTurn

router = APIRouter()
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def turns(history: list[str | HistoryTurn]) -> list[Turn]:
    return [Turn(h) if isinstance(h, str) else Turn(h.question, h.answer, list(h.cited_titles)) for h in history]


def error_event(error: Exception) -> bytes:
    if isinstance(error, AssistantError):
        status, kind = status_of(error)
        return sse.event("error", error_body(status, str(error), kind))
    return sse.event("error", error_body(500, f"internal error ({type(error).__name__})", "server_error"))


async def answer_of(request: Request, job: AskJob):
    """Await the answer; a client that leaves first cancels the job (and frees the model)."""
    watcher = asyncio.create_task(cancel_on_disconnect(request.receive, job.cancel))
    try:
        return await job.future
    finally:
        watcher.cancel()


async def ask_events(request: Request, job: AskJob):
    """retrieved, token..., answer (the checked AnswerRecord) or error. The body is closed (a
    disconnect) or cancelled: either way the job is told to stop."""
    watcher = asyncio.create_task(cancel_on_disconnect(request.receive, job.cancel))
    try:
        async for kind, data in job.stream():
            if kind == "token":
                yield sse.event("token", {"text": data})
            elif kind == "retrieved":
                yield sse.event("retrieved", data)
            else:
                yield sse.event("answer", data.record().to_json())
    except Exception as error:  # the answer failed: say so in the stream, status is already sent
        yield error_event(error)
    finally:
        job.cancel.set()  # a no-op when the answer is done; otherwise the model is freed now
        watcher.cancel()


@router.post("/v1/ask", summary="Answer a question, citing the abstracts",
             description="JSON: the AnswerRecord (as `assistant ask --json` prints it). With `stream`: "
             "Server-Sent Events `retrieved` {standalone_query, hits}, `token` {text}... (the draft), "
             "then `answer` (the checked AnswerRecord) or `error` {error}.")
async def ask(body: AskRequest, request: Request):
    job = request.app.state.asks.submit(body.question, body.k, turns(body.history), body.query,
                                        events=body.stream)
    if body.stream:
        return sse.response(ask_events(request, job))
    answer = await answer_of(request, job)
    return answer.record().to_json()


@router.get("/v1/search", summary="Retrieval only: the papers closest to a query")
def search(request: Request, q: str = Query(min_length=1, max_length=4000),
           k: int = Query(5, ge=1, le=100)):
    hits = request.app.state.assistant.search(q, k)
    return {"query": q, "results": [{"id": h.paper.id, "title": h.paper.title, "score": round(h.score, 4),
                                     "url": h.paper.url} for h in hits]}


@router.get("/v1/papers/{paper_id:path}", summary="One paper's whole record")
def paper(request: Request, paper_id: str):
    found = request.app.state.assistant.papers([paper_id]).get(paper_id)
    if found is None:
        return error_response(404, f"no paper with id {paper_id!r} in the index", "not_found", "paper_id")
    record = asdict(found)
    record.pop("source", None)  # a path on the server's disk: not the client's business
    return record


@router.get("/healthz", summary="Liveness and what is loaded")
def health(request: Request):
    assistant = request.app.state.assistant
    return {"status": "ok", "papers": assistant.index.count(), "model": assistant.generator.name,
            "model_loaded": assistant.model_loaded, "asks_in_flight": request.app.state.asks.pending}


@router.post("/v1/ingest", summary="Index an uploaded file of abstracts",
             description="Multipart upload (field `file`). JSON: {report, papers, rejected}. With "
             "`stream=true`: Server-Sent Events `rejected` {where, reason}..., `progress` {done, total}..., "
             "then `done` {report, papers} or `error`. An ingest runs to the end even if the client leaves.")
async def ingest(request: Request, file: UploadFile = File(...),
                 format: Literal[FORMATS] | None = Query(None),  # type: ignore[valid-type]
                 stream: bool = Query(False)):
    state = request.app.state
    name = _SAFE_NAME.sub("_", Path(file.filename or "upload").name).strip("._") or "upload"
    folder = Path(tempfile.mkdtemp(prefix="assistant-upload-"))
    path = folder / name
    try:
        await run_in_threadpool(_save, file, path)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    loop = asyncio.get_running_loop()
    events: asyncio.Queue = asyncio.Queue()

    def emit(kind, data):
        loop.call_soon_threadsafe(events.put_nowait, (kind, data))

    def work():
        try:
            try:
                corpus = state.assistant.load([path], format)
            except AssistantError as error:  # name the upload, not our temp file
                error.args = (str(error).replace(str(path), name),)
                raise
            rejected: list[dict] = []

            def on_rejection(r) -> None:
                rejected.append({"where": f"{name}:{r.line}", "reason": r.reason})
                emit("rejected", rejected[-1])

            corpus.on_rejection = on_rejection  # the upload is read as a stream: reported as met
            report = state.assistant.ingest(
                corpus, lambda p: emit("progress", {"done": p.embedded, "total": p.to_embed,
                                                    "bytes_done": p.bytes_done, "bytes_total": p.bytes_total}))
            if not corpus.records:
                raise InputFileError(name, "no abstracts found (expected records with a title and an abstract)")
            return {"report": report.as_dict(), "papers": state.assistant.index.count(), "rejected": rejected}
        finally:
            emit("end", None)
            shutil.rmtree(folder, ignore_errors=True)

    async def run():
        async with state.ingest_lock:  # one ingest at a time; asks and searches go on meanwhile
            return await loop.run_in_executor(None, work)

    task = asyncio.ensure_future(run())
    if not stream:
        return await task

    async def body():
        while True:
            kind, data = await events.get()
            if kind == "end":
                break
            yield sse.event(kind, data)
        try:
            yield sse.event("done", await task)
        except Exception as error:
            yield error_event(error)

    return sse.response(body())


def _save(upload: UploadFile, path: Path) -> None:
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out, 1 << 20)
