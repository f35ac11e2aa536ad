"""`assistant models`: the GGUF files the assistant can use."""

from __future__ import annotations

import json

import click

from assistant.cli.common import echo, handle_errors, make_assistant
from assistant.errors import AssistantError


@click.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def models(ctx, as_json):
    """List GGUF models: the bundled one, the models dir, and ASSISTANT_MODEL."""
    assistant = make_assistant(ctx)
    found = assistant.models()
    try:
        default = assistant.generator.model_path.resolve()
    except AssistantError:  # a wrong ASSISTANT_MODEL must not stop the listing
        default = None
    if as_json:
        click.echo(json.dumps([
            {"name": m.name, "path": str(m.path), "size_bytes": m.size_bytes, "origin": m.origin,
             "default": m.path.resolve() == default}
            for m in found
        ]))
        return
    for m in found:
        mark = "*" if m.path.resolve() == default else " "
        echo(f"{mark} {m.name}  {m.size_bytes / 1e6:.0f} MB  ({m.origin})  {m.path}")
    echo(f"models dir: {assistant.paths.models_dir}", err=True)
