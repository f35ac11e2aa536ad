"""The ASGI app: one warm `Assistant` (one model, one index) behind the HTTP API and the
OpenAI-compatible endpoints."""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI

from assistant import __version__
from assistant.server import api, openai_api
from assistant.server.asks import AskQueue
from assistant.server.guards import Guard, install_error_handlers

# FastAPI can export OpenTelemetry data when a provider or OTEL_* variables are set: this
# assistant sends nothing anywhere the user did not name.
NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False,
                "auto_configure": False}


@dataclass(frozen=True)
class ServerOptions:
    api_key: str | None = None  # every request but /healthz must then carry it as a bearer token
    cors_origins: tuple[str, ...] = ()  # CORS is off unless origins are named
    max_body: int = 1 << 20  # JSON requests: 1 MiB is thousands of turns of history
    max_upload: int = 512 << 20  # ingest uploads
    ask_workers: int = 4  # asks inside the service at once (one decoding, the rest queued or checking)
    max_queued: int = 64  # asks accepted at once; more are answered 503 with Retry-After


def create_app(assistant, options: ServerOptions | None = None) -> FastAPI:
    options = options or ServerOptions()
    asks = AskQueue(assistant, options.ask_workers, options.max_queued)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.ingest_lock = asyncio.Lock()
        yield
        asks.shutdown()  # questions still running are cancelled: their clients are gone

    app = FastAPI(
        title="abstracts assistant", version=__version__, lifespan=lifespan,
        description="Grounded answers over research-paper abstracts, citing them as [n]; every citation "
        "is checked against the abstract it points at. Errors: {error: {message, type, param, code}}.",
        # The interactive docs pages load their scripts from a CDN: off. The schema stays.
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
        telemetry=NO_TELEMETRY,
    )
    app.state.assistant = assistant
    app.state.asks = asks
    app.state.started = int(time.time())
    install_error_handlers(app)
    app.include_router(api.router)
    app.include_router(openai_api.router)
    app.add_middleware(Guard, api_key=options.api_key, max_body=options.max_body,
                       max_upload=options.max_upload, upload_paths={"/v1/ingest"})
    if options.cors_origins:  # added last: outermost, so preflights and 401s carry CORS headers
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(options.cors_origins),
                           allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"])
    return app
