"""`assistant ingest` and `assistant index stats|clear`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.cli.common import echo, handle_errors, make_assistant, progress_printer
from assistant.corpus import FORMATS
from assistant.errors import InputFileError
from assistant.text import terminal_safe


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Input format (default: detected from the content).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
@handle_errors
def ingest(ctx, paths, fmt, as_json):
    """Add abstracts from files or directories to the index (incremental).

    Formats: Daily Papers listing text, JSONL / JSON array with title and abstract, the arXiv
    metadata snapshot, CSV with title and abstract columns. Re-running adds nothing; changed
    papers are replaced, except by an older arXiv version of themselves.
    """
    assistant = make_assistant(ctx)
    corpus = assistant.load(paths, fmt)  # everything is read and checked before any write
    for rejection in corpus.rejected[:20]:
        echo(f"assistant: warning: {rejection}", err=True)
    if len(corpus.rejected) > 20:
        echo(f"assistant: warning: ... and {len(corpus.rejected) - 20} more rejected", err=True)
    if not corpus.papers:
        names = ", ".join(str(p) for p in paths)
        raise InputFileError(names, "no abstracts found (expected records with a title and an abstract)")
    if assistant.holds_demo():
        echo("assistant: note: removing the bundled demo papers: the index will hold yours only", err=True)
    report = assistant.ingest(corpus, progress_printer("Embedding"))
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "papers": assistant.index.count()}))
    else:
        echo(f"{report.summary()}; {assistant.index.count()} papers in the index, {report.seconds:.1f}s")


@click.group()
def index():
    """Inspect or clear the index."""


@index.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def stats(ctx, as_json):
    """Papers indexed and where the index lives."""
    info = make_assistant(ctx).stats()
    if as_json:
        click.echo(json.dumps(info))
    else:
        echo(f"{info['papers']} papers in {info['index_dir']}")


@index.command()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
@handle_errors
def clear(ctx, yes):
    """Remove every paper from the index (the source files are untouched)."""
    assistant = make_assistant(ctx)
    if not yes and not click.confirm(terminal_safe(f"Remove all papers from {assistant.index.directory}?"), err=True):
        raise click.Abort()
    removed = assistant.clear()
    echo(f"removed {removed} papers")
