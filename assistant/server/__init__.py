"""`assistant serve`: the assistant as an HTTP API (ask, search, papers, ingest, health) and an
OpenAI-compatible chat endpoint, over one warm `Assistant`. FastAPI on uvicorn."""

from assistant.server.app import ServerOptions, create_app
from assistant.server.run import serve

__all__ = ["ServerOptions", "create_app", "serve"]
