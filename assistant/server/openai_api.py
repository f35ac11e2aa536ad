"""OpenAI-compatible `/v1/chat/completions` and `/v1/models`, so that existing clients (the
`openai` package, Open WebUI, `llm`) talk to the grounded assistant.

- The last user message is the question; earlier user/assistant turns are the history that
  follow-ups are rewritten with. Sampling parameters are accepted and ignored.
- `message.content` is the checked answer, citing as [n], followed by a "References:" list of
  the cited papers, so that a client that shows only text still shows what [n] is; a refusal is
  followed by the closest papers (and the reason, when the record gives one).
- `message.grounding` is the whole AnswerRecord (`assistant ask --json`): citations with their
  supporting sentences, sources, refusal, cut_off, timings. Streamed, it comes in the final
  chunk, as `choices[0].delta.grounding`.
- Streaming sends the checked answer, not the draft: an OpenAI client cannot take back text it
  has shown, so unverified sentences must never reach it. The role chunk comes at once, comments
  keep the connection alive while the model writes, then the answer comes in pieces. The draft
  tokens are on `POST /v1/ask` with `stream`.
"""

from __future__ import annotations

import re
import time
import uuid

from fastapi import APIRouter, Request

from assistant.retrieval import Turn
from assistant.server import sse
from assistant.server.api import answer_of, error_event
from assistant.server.asks import cancel_on_disconnect
from assistant.server.guards import error_response
from assistant.server.schemas import ChatCompletionRequest, ChatMessage

router = APIRouter()
MODEL_ID = "abstracts-assistant"
REFERENCES = "\n\nReferences:\n"
_REFERENCE = re.compile(r"^\[\d+\] (.+?)(?: <[^>]*>)?$")
_PIECE = re.compile(r"\s*\S+")
KEEPALIVE_TOKENS = 16  # a comment every this many draft tokens: the connection is alive


def content_of(record: dict) -> str:
    """The message text: the answer, then what its [n] point at (or why it is a refusal)."""
    text = record["answer"]
    if record.get("refused"):
        if record.get("refusal_reason"):
            text += f"\n\nWhy: {record['refusal_reason']}"
        if record.get("near_misses"):
            text += "\n\nClosest papers (not close enough to answer from):\n" + "\n".join(
                f"- {m['title']} ({m['score']:.2f})" for m in record["near_misses"])
    elif record.get("citations"):
        urls = {s["ref"]: s.get("url") for s in record.get("sources", [])}
        lines = [f"[{c['ref']}] {c['title']}" + (f" <{urls[c['ref']]}>" if urls.get(c["ref"]) else "")
                 for c in sorted(record["citations"], key=lambda c: c["ref"])]
        text += REFERENCES + "\n".join(lines)
    if record.get("cut_off"):
        text += "\n\n(The model server stopped before the answer was finished.)"
    return text


def history_of(messages: list[ChatMessage]) -> list[Turn]:
    """Earlier turns: each user message a question, the assistant message after it its answer
    (whose References list names the papers a follow-up's "it" refers to)."""
    turns: list[Turn] = []
    for message in messages:
        if message.role == "user":
            turns.append(Turn(message.text()))
        elif message.role == "assistant" and turns:
            answer, _, refs = message.text().partition(REFERENCES)
            titles = [m.group(1) for m in map(_REFERENCE.match, refs.splitlines()) if m]
            turns[-1] = Turn(turns[-1].question, answer, titles)
    return turns


def _usage(record: dict) -> dict:
    t = record.get("timings") or {}
    prompt, completion = t.get("prompt_tokens") or 0, t.get("completion_tokens") or 0
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


@router.get("/v1/models", summary="OpenAI-compatible: the one model this server offers")
def models(request: Request):
    return {"object": "list", "data": [{
        "id": MODEL_ID, "object": "model", "created": request.app.state.started, "owned_by": "abstracts-assistant",
        "generator": request.app.state.assistant.generator.name,
    }]}


@router.post("/v1/chat/completions", summary="OpenAI-compatible chat: a grounded, cited answer",
             description="The last user message is the question. `choices[0].message.grounding` (streamed: "
             "the final chunk's `choices[0].delta.grounding`) is the AnswerRecord: citations, sources, "
             "refusal, cut_off, timings.")
async def chat_completions(body: ChatCompletionRequest, request: Request):
    last = body.messages[-1]
    if last.role != "user" or not last.text().strip():
        return error_response(400, "messages: the last message must be the user's question, with text",
                              "invalid_request_error", "messages")
    job = request.app.state.asks.submit(last.text(), None, history_of(body.messages[:-1]), events=body.stream)
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    if body.stream:
        usage = bool((body.stream_options or {}).get("include_usage"))
        return sse.response(_chunks(request, job, cid, created, usage))
    record = (await answer_of(request, job)).record().to_json()
    return {
        "id": cid, "object": "chat.completion", "created": created, "model": MODEL_ID,
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None, "message": {
            "role": "assistant", "content": content_of(record), "grounding": record}}],
        "usage": _usage(record),
    }


async def _chunks(request: Request, job, cid: str, created: int, include_usage: bool):
    import asyncio

    def chunk(delta: dict, finish: str | None = None) -> bytes:
        return sse.event(None, {"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                                "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}]})

    watcher = asyncio.create_task(cancel_on_disconnect(request.receive, job.cancel))
    tokens = 0
    try:
        yield chunk({"role": "assistant", "content": ""})
        async for kind, data in job.stream():
            if kind == "token":
                tokens += 1
                if tokens % KEEPALIVE_TOKENS == 0:
                    yield b": drafting\n\n"
            elif kind == "answer":
                record = data.record().to_json()
                for piece in _PIECE.findall(content_of(record)):
                    yield chunk({"content": piece})
                yield chunk({"grounding": record}, "stop")
                if include_usage:
                    yield sse.event(None, {"id": cid, "object": "chat.completion.chunk", "created": created,
                                           "model": MODEL_ID, "choices": [], "usage": _usage(record)})
        yield sse.done()
    except Exception as error:
        yield error_event(error)
    finally:
        job.cancel.set()
        watcher.cancel()
