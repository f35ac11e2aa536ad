"""`assistant ingest` and `assistant index stats|check|rebuild|clear`."""

from __future__ import annotations

import json

from pathlib import Path

import click

from assistant.cli.common import echo, fail, handle_errors, make_assistant
from assistant.corpus import FORMATS
from assistant.errors import ExitCode, InputFileError
from assistant.text import terminal_safe

SHOWN_REJECTIONS = 20


class IngestProgress:
    """A progress line on stderr (a terminal only): share of the input read, papers read and
    embedded, embedding rate and the ETA; warnings printed above it."""

    def __init__(self, label: str = "Indexing"):
        from rich.console import Console

        self.console = Console(stderr=True, highlight=False)
        self.label = label
        self.bar = None
        self.task = None

    def _start(self):
        from rich.progress import (
            BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn(self.label), BarColumn(), TaskProgressColumn(), TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(), console=self.console, transient=False,
        )
        self.bar.start()
        self.task = self.bar.add_task(self.label, total=1, counts="")
        self._embedded_at: list[tuple[float, int]] = []

    def update(self, progress) -> None:
        import time

        if not self.console.is_terminal:
            return
        if self.bar is None:
            self._start()
        now = time.monotonic()
        self._embedded_at = [(t, n) for t, n in self._embedded_at if now - t < 30] + [(now, progress.embedded)]
        (t0, n0), (t1, n1) = self._embedded_at[0], self._embedded_at[-1]
        rate = f", {(n1 - n0) / (t1 - t0):.1f}/s" if t1 - t0 > 1 and n1 > n0 else ""
        counts = f"{progress.records:,} read, {progress.embedded:,}/{progress.to_embed:,} embedded{rate}"
        self.bar.update(self.task, total=max(progress.bytes_total, 1), completed=progress.bytes_done, counts=counts)

    def warn(self, message: str) -> None:
        line = terminal_safe(f"assistant: warning: {message}")
        if self.bar is not None:
            self.bar.console.print(line, markup=False, soft_wrap=True)
        else:
            click.echo(line, err=True)

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Input format (default: detected from the content).")
@click.option("--device", help="torch device to embed on: cpu, cuda, cuda:1 (default: cuda when there is one; "
              "fp16 and batches of 256 on a GPU) [env: ASSISTANT_EMBED_DEVICE].")
@click.option("--strict", is_flag=True,
              help="Exit 65 if any record was rejected or any file skipped (the good records are still indexed).")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@click.pass_context
@handle_errors
def ingest(ctx, paths, fmt, device, strict, as_json):
    """Add abstracts from files or directories to the index (incremental, streamed).

    Formats: Daily Papers listing text, JSONL / JSON array with title and abstract, the arXiv
    metadata snapshot, CSV with title and abstract columns, BibTeX, RIS. A directory is walked;
    files of no known format in it are skipped with a note. A record over 1 MiB, or one without
    a title and an abstract, is rejected alone and the rest land. Re-running adds nothing;
    changed papers are replaced, except by an older arXiv version of themselves. Killed, it
    keeps every finished slice of 512 papers: run it again to finish.
    """
    assistant = make_assistant(ctx, embed_device=device)
    corpus = assistant.load(paths, fmt)  # every file checked before anything is written
    progress = IngestProgress()
    for skipped in corpus.skipped:
        progress.warn(f"{skipped}" + ("" if skipped.reason.endswith("skipped") else "; skipped"))

    def on_rejection(rejection) -> None:
        if corpus.rejected_count <= SHOWN_REJECTIONS:
            progress.warn(str(rejection))

    corpus.on_rejection = on_rejection
    had_demo = assistant.holds_demo()
    try:
        report = assistant.ingest(corpus, progress.update)
    finally:
        progress.stop()
    if corpus.rejected_count > SHOWN_REJECTIONS:
        echo(f"assistant: warning: ... and {corpus.rejected_count - SHOWN_REJECTIONS} more rejected", err=True)
    if not corpus.records:
        names = ", ".join(str(p) for p in paths)
        raise InputFileError(names, "no abstracts found (expected records with a title and an abstract)")
    if had_demo and not assistant.holds_demo():
        echo("assistant: note: the bundled demo papers were removed: the index holds yours only", err=True)
    if as_json:
        click.echo(json.dumps({**report.as_dict(), "papers": assistant.index.count()}))
    else:
        echo(f"{report.summary()}; {assistant.index.count()} papers in the index, {report.seconds:.1f}s")
    if strict and (report.rejected or report.skipped_files):
        fail(f"--strict: {report.rejected} record{'s' * (report.rejected != 1)} rejected, "
             f"{report.skipped_files} file{'s' * (report.skipped_files != 1)} skipped "
             "(the others were indexed)", ExitCode.DATA)


@click.group()
def index():
    """Inspect, check, rebuild or clear the index."""


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
@click.pass_context
@handle_errors
def check(ctx):
    """Verify the read side against the store: every file's checksum, then counts, ids,
    content and vectors. Exit 1 when they differ (`assistant index rebuild` fixes that)."""
    problems = make_assistant(ctx).check_index()
    if problems:
        for problem in problems[:50]:
            click.echo(f"assistant: {problem}", err=True)
        if len(problems) > 50:
            click.echo(f"assistant: ... and {len(problems) - 50} more", err=True)
        fail("the read side does not match the store; run `assistant index rebuild`", ExitCode.ERROR)
    click.echo("ok: the read side matches the store (files, counts, ids, content, vectors)")


@index.command()
@click.pass_context
@handle_errors
def rebuild(ctx):
    """Write the read side again from the store of record (Chroma)."""
    count = make_assistant(ctx).rebuild_index()
    click.echo(f"rebuilt the read side from the store: {count} papers")


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


