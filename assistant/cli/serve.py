"""`assistant serve`: the HTTP API and the OpenAI-compatible endpoint."""

from __future__ import annotations

import click

from assistant.cli.ask import _ensure_index
from assistant.cli.common import handle_errors, make_assistant


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback needs --api-key.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--api-key", help="Bearer token every request must send (except /healthz) "
              "[env: ASSISTANT_API_KEY].")
@click.option("--cors-origin", "cors_origins", multiple=True, metavar="ORIGIN",
              help="Allow browser pages from this origin (repeatable); CORS is off otherwise.")
@click.option("-k", type=click.IntRange(1, 50), default=None, help="Papers retrieved per question [default: 5].")
@click.option("--model", "-m", help="GGUF path or name in the models dir [env: ASSISTANT_MODEL].")
@click.option("--max-upload-mb", type=click.IntRange(1), default=512, show_default=True,
              help="Largest file POST /v1/ingest accepts.")
@click.pass_context
@handle_errors
def serve(ctx, host, port, api_key, cors_origins, k, model, max_upload_mb):
    """Serve the assistant over HTTP: POST /v1/ask, GET /v1/search, GET /v1/papers/ID,
    POST /v1/ingest, GET /healthz, /openapi.json, and OpenAI-compatible POST
    /v1/chat/completions and GET /v1/models.

    One warm model and one index serve every request; questions queue for the model, searches
    never wait for it. Binds loopback unless --host says otherwise (which needs --api-key).
    """
    from assistant.server import ServerOptions
    from assistant.server import serve as run
    from assistant.server.guards import check_bind

    assistant = make_assistant(ctx, k=k, model=model, api_key=api_key)
    key = assistant.settings.api_key
    check_bind(host, key)  # before any loading: a refused bind should be instant
    assistant.warm_up()
    _ensure_index(assistant)
    assistant.warm_up(embedder=False, model=True)
    options = ServerOptions(api_key=key, cors_origins=tuple(cors_origins), max_upload=max_upload_mb << 20)
    click.echo(f"serving {assistant.stats()['papers']} papers on http://{host}:{port} "
               f"(model: {assistant.generator.name}; OpenAI base URL http://{host}:{port}/v1)", err=True)
    run(assistant, host, port, options)
