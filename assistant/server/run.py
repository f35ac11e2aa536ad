"""Running the app with uvicorn, loopback unless told otherwise (with a key)."""

from __future__ import annotations

from assistant.server.app import ServerOptions, create_app
from assistant.server.guards import check_bind


def serve(assistant, host: str = "127.0.0.1", port: int = 8000, options: ServerOptions | None = None,
          log_level: str = "info") -> None:
    import uvicorn

    options = options or ServerOptions()
    check_bind(host, options.api_key)
    config = uvicorn.Config(create_app(assistant, options), host=host, port=port, log_level=log_level,
                            server_header=False, timeout_graceful_shutdown=5)
    uvicorn.Server(config).run()
