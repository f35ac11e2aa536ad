"""`assistant`: ask questions of your paper abstracts, offline, with citations."""

from __future__ import annotations

import click

from assistant import __version__
from assistant.cli.ask import ask, search
from assistant.cli.chat import chat
from assistant.cli.evaluate import evaluate, legacy_compare
from assistant.cli.ingest import index, ingest
from assistant.cli.models import models
from assistant.cli.serve import serve

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
@click.option("--llm-url", metavar="URL",
              help="Use the model on an OpenAI-compatible server, e.g. http://gpu-box:8080/v1 "
                   "[env: ASSISTANT_LLM_URL; key: ASSISTANT_LLM_API_KEY].")
def cli(config, index_dir, llm_url):
    """Ask questions of research-paper abstracts, offline, with checkable citations.

    \b
    Examples:
      assistant ask "How do recent methods speed up LLM decoding?"
      assistant chat
      assistant search "sparse autoencoders" -k 10 --json
      assistant ingest arxiv-metadata.jsonl papers.csv
      assistant index stats
      assistant serve --port 8000
      assistant --llm-url http://localhost:8080/v1 ask "What does BSP-Net output?"

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
cli.add_command(serve)
cli.add_command(evaluate)
cli.add_command(legacy_compare)


def main() -> None:
    cli(prog_name="assistant")
