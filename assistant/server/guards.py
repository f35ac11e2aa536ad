"""Safe by default: bearer-token auth, request body limits, and errors as one JSON shape.

Every error is `{"error": {"message", "type", "param", "code"}}` (OpenAI's shape, so its clients
show the message), with a 4xx for anything the client can fix. Nothing answers with a traceback.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import secrets

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.errors import (
    AssistantError, Cancelled, IndexUnavailable, InputFileError, MissingInputError, ModelUnavailable,
    UsageError,
)

log = logging.getLogger("assistant.server")
OPEN_PATHS = {"/healthz"}  # a load balancer's probe needs no key


def error_body(status: int, message: str, kind: str, param: str | None = None) -> dict:
    return {"error": {"message": message, "type": kind, "param": param, "code": status}}


def error_response(status: int, message: str, kind: str, param: str | None = None,
                   headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, kind, param), status_code=status, headers=headers)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, api_key: str | None) -> None:
    """Loopback needs nothing; anything else (0.0.0.0, a LAN address) needs an API key."""
    if not is_loopback(host) and not api_key:
        raise UsageError(f"binding {host} exposes the assistant beyond this machine: give --api-key "
                         "(or ASSISTANT_API_KEY), which every request must then send as a bearer token")


def status_of(error: AssistantError) -> tuple[int, str]:
    if isinstance(error, Cancelled):
        return 499, "cancelled"
    if isinstance(error, (ModelUnavailable, IndexUnavailable)) or error.exit_code == 69:
        return 503, "unavailable"
    if isinstance(error, MissingInputError):
        return 404, "not_found"
    if isinstance(error, (UsageError, InputFileError)):
        return 400, "invalid_request_error"
    return 500, "server_error"


def _field(loc) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path"):
        parts = parts[1:] or parts
    return ".".join(parts)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError):
        first = exc.errors()[0] if exc.errors() else {"loc": ("body",), "msg": "invalid request"}
        if first.get("type") == "json_invalid":
            where = first.get("ctx", {}).get("error", "")
            return error_response(400, f"the body is not valid JSON ({where})".replace(" ()", ""),
                                  "invalid_request_error", "body")
        field = _field(first.get("loc", ()))
        return error_response(422, f"{field}: {first.get('msg', 'invalid')}", "invalid_request_error", field)

    @app.exception_handler(HTTPException)
    async def http_error(_request: Request, exc: HTTPException):
        kind = {401: "authentication_error", 404: "not_found", 405: "invalid_request_error",
                413: "request_too_large"}.get(exc.status_code, "invalid_request_error")
        return error_response(exc.status_code, str(exc.detail), kind, headers=getattr(exc, "headers", None))

    @app.exception_handler(AssistantError)
    async def assistant_error(_request: Request, exc: AssistantError):
        status, kind = status_of(exc)
        return error_response(status, str(exc), kind, headers={"Retry-After": "1"} if status == 503 else None)

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception):
        log.exception("unexpected error")
        return error_response(500, f"internal error ({type(exc).__name__}); see the server's log", "server_error")


class Guard:
    """Pure ASGI middleware (streams pass through untouched): the bearer token when one is set,
    and a cap on request bodies (Content-Length checked first, then the bytes as they arrive)."""

    def __init__(self, app, api_key: str | None, max_body: int, max_upload: int, upload_paths: set[str]):
        self.app = app
        self.api_key = api_key
        self.max_body = max_body
        self.max_upload = max_upload
        self.upload_paths = upload_paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if self.api_key and path not in OPEN_PATHS and scope.get("method") != "OPTIONS":
            headers = dict(scope.get("headers") or [])
            given = headers.get(b"authorization", b"").decode("latin-1")
            if not secrets.compare_digest(given.encode(), f"Bearer {self.api_key}".encode()):
                message = "missing API key: send 'Authorization: Bearer KEY'" if not given else "wrong API key"
                return await _send_json(send, 401, error_body(401, message, "authentication_error"),
                                        {"www-authenticate": "Bearer"})
        limit = self.max_upload if path in self.upload_paths else self.max_body
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > limit
            except ValueError:
                return await _send_json(send, 400, error_body(400, "bad Content-Length", "invalid_request_error"))
            if too_big:
                return await _send_json(send, 413, error_body(413, f"request body over {limit} bytes",
                                                              "request_too_large"))
        received = 0

        async def counted():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, f"request body over {limit} bytes")
            return message

        await self.app(scope, counted, send)


async def _send_json(send, status: int, body: dict, headers: dict | None = None) -> None:
    raw = json.dumps(body).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    head += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": raw})
