"""`assistant`: ask questions of your paper abstracts, offline, with citations."""

from __future__ import annotations

import click

from assistant import __version__
from assistant.cli.ask import ask, search
from assistant.cli.chat import chat
from assistant.cli.evaluate import evaluate, legacy_compare
from assistant.cli.ingest import index, ingest
from assistant.cli.models import models

KEY_LIBRARIES = ("llama-cpp-python", "chromadb", "sentence-transformers", "torch", "textual")


def _version_text() -> str:
    from importlib.metadata import PackageNotFoundError, version

    lines = [f"assistant {__version__}"]
    for name in KEY_LIBRARIES:
        try:
            lines.append(f"  {name} {version(name)}")
        except PackageNotFoundError:
            lines.append(f"  {name} (not installed)")
    return "\n".join(lines)


def _print_version(ctx: click.Context, _param, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version_text())
        ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the version and those of the key libraries.")
@click.option("--config", type=click.Path(dir_okay=False), envvar="ASSISTANT_CONFIG",
              help="Config TOML (default: <config dir>/config.toml).")
@click.option("--index-dir", type=click.Path(file_okay=False),
              help="Index directory [env: ASSISTANT_INDEX_DIR].")
def cli(config, index_dir):
    """Ask questions of research-paper abstracts, offline, with checkable citations.

    \b
    Examples:
      assistant ask "How do recent methods speed up LLM decoding?"
      assistant chat
      assistant search "sparse autoencoders" -k 10 --json
      assistant ingest arxiv-metadata.jsonl papers.csv
      assistant index stats

    The bundled Daily Papers corpus is indexed on first use, as a demo that your first ingest
    replaces. Settings come from defaults <
    config file < ASSISTANT_* environment variables < flags.
    """


cli.add_command(ask)
cli.add_command(search)
cli.add_command(chat)
cli.add_command(ingest)
cli.add_command(index)
cli.add_command(models)
cli.add_command(evaluate)
cli.add_command(legacy_compare)


def main() -> None:
    cli(prog_name="assistant")
