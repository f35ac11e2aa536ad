"""Server-Sent Events: one JSON object per event, on one `data:` line."""

from __future__ import annotations

import json

from fastapi.responses import StreamingResponse

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # proxies must not buffer tokens


def event(name: str | None, data) -> bytes:
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


def done() -> bytes:
    return b"data: [DONE]\n\n"


def response(body) -> StreamingResponse:
    return StreamingResponse(body, media_type="text/event-stream", headers=HEADERS)
