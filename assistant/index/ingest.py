"""Ingest as a stream: records are read, merged, planned, embedded and written in batches, so
memory does not grow with the input.

For each batch: duplicates are merged (within the batch in memory, across the stream through
`dedupe.py`); each paper is compared with what is stored (content hash and arXiv version, from
the read side, or from a shared server); new and changed papers are embedded and written in
slices. Each slice is named in the journal, written to the store, appended to the read side as
a segment, and the journal cleared: a killed ingest keeps every finished slice, and the next
open heals the one in flight from the store. Re-running on the same input changes nothing and
reads at the speed of the readers."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.corpus import Paper
from assistant.corpus.merge import better, merge_duplicates
from assistant.index.dedupe import SeenPapers, keys
from assistant.index.journal import Intent
from assistant.index.read_side import ReadSide
from assistant.index.snapshot import Snapshot
from assistant.index.store import PaperStore
from assistant.models import Embedder

SLICE = 512  # papers embedded and written together: an interrupted ingest keeps finished slices
BATCH = 1024  # records read and planned together (memory: about 4 MB of papers)


@dataclass
class IngestProgress:
    bytes_done: int = 0
    bytes_total: int = 0
    records: int = 0  # papers read
    embedded: int = 0
    to_embed: int = 0  # new or changed papers found so far


ProgressFn = Callable[[IngestProgress], None]


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # older arXiv versions of stored papers, not taken
    rejected: int = 0
    duplicates: int = 0
    skipped_files: int = 0
    seconds: float = 0.0
    rejected_kinds: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def summary(self) -> str:
        """One line for people: the CLI prints it, the chat shows it as a notice."""
        parts = [f"added {self.added}", f"updated {self.updated}", f"unchanged {self.unchanged}"]
        if self.older:
            parts.append(f"older versions skipped {self.older}")
        kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(self.rejected_kinds.items(), key=lambda t: -t[1]))
        parts.append(f"rejected {self.rejected}" + (f" ({kinds})" if kinds else ""))
        if self.skipped_files:
            parts.append(f"skipped {self.skipped_files} file{'s' * (self.skipped_files != 1)}")
        return ", ".join(parts) + f" ({self.duplicates} duplicates merged)"


def plan(papers: Sequence[Paper], stored: dict[str, tuple[str, int]]) -> tuple[list[Paper], list[Paper]]:
    """(papers to embed and write, older arXiv versions of stored papers to skip)."""
    # An older arXiv version than the one stored (an old dump ingested after a new one) never
    # replaces it.
    older = [p for p in papers if p.id in stored and p.version_number < stored[p.id][1]]
    skip = {p.id for p in older}
    todo = [p for p in papers if p.id not in skip and stored.get(p.id, ("", 0))[0] != p.content_hash]
    return todo, older


def _batches(papers: Iterable[Paper], size: int) -> Iterator[list[Paper]]:
    iterator = iter(papers)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


class _Run:
    """One ingest, under the write lock."""

    def __init__(self, store: PaperStore, read_side: ReadSide, embedder: Embedder, report: IngestReport,
                 progress: IngestProgress, tell: Callable[[], None], slice_size: int,
                 written: Callable[[list[Paper]], None] | None = None):
        self.store, self.read_side, self.embedder = store, read_side, embedder
        self.written = written
        self.report, self.progress, self.tell = report, progress, tell
        self.slice_size = slice_size
        self.snapshot = read_side.prepare()
        self.seen = SeenPapers(read_side.directory)

    def stored(self, ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        if self.store.shared:  # others write to it: the server knows best
            return self.store.stored_versions(ids)
        return self.snapshot.stored_versions(ids)

    def stored_paper(self, pid: str) -> Paper | None:
        if self.store.shared:
            papers = self.store.get([pid])[0]
            return papers[0] if papers else None
        return self.snapshot.papers([pid]).get(pid)

    def batch(self, records: list[Paper]) -> None:
        papers, merged = merge_duplicates(records)
        self.report.duplicates += merged
        met = self.seen.find(papers)
        fresh: list[Paper] = []
        todo: list[tuple[Paper, str | None]] = []  # (paper, id it replaces)
        for paper in papers:
            earlier = next((met[k] for k in keys(paper) if k in met), None)
            if earlier is None:
                fresh.append(paper)
                continue
            # The same paper earlier in this stream (already written or found unchanged): merge
            # into what is stored, as duplicates within one file are merged.
            self.report.duplicates += 1
            base = self.stored_paper(earlier[0])
            if base is None:
                fresh.append(paper)
                continue
            combined = better(base, paper)
            self.seen.add(combined, earlier[1])
            if combined.id != base.id or combined.content_hash != base.content_hash:
                if earlier[1] in ("unchanged", "older"):
                    setattr(self.report, earlier[1], getattr(self.report, earlier[1]) - 1)
                    self.report.updated += 1
                    self.seen.add(combined, "updated")
                todo.append((combined, base.id if combined.id != base.id else None))
        stored = self.stored([p.id for p in fresh])
        changed, older = plan(fresh, stored)
        for paper in older:
            self.seen.add(paper, "older")
        self.report.older += len(older)
        skip = {p.id for p in older} | {p.id for p in changed}
        for paper in fresh:
            if paper.id not in skip:
                self.seen.add(paper, "unchanged")
                self.report.unchanged += 1
        for paper in changed:
            status = "updated" if paper.id in stored else "added"
            setattr(self.report, status, getattr(self.report, status) + 1)
            self.seen.add(paper, status)
            todo.append((paper, None))
        self.progress.to_embed += len(todo)
        self.tell()
        for start in range(0, len(todo), self.slice_size):
            self.write(todo[start : start + self.slice_size])

    def write(self, chunk: list[tuple[Paper, str | None]]) -> None:
        papers = [p for p, _ in chunk]
        removed = [r for _, r in chunk if r]

        def tick(n: int) -> None:
            self.progress.embedded += n
            self.tell()

        self.read_side.journal.write(Intent([p.id for p in papers], removed))
        vectors = self.embedder.encode([p.embedding_text for p in papers], on_batch=tick)
        if removed:
            self.store.delete(removed)
        self.store.upsert(papers, vectors)
        self.read_side.append(papers, [p.to_metadata() for p in papers], vectors, removed, self.snapshot)
        self.read_side.journal.clear()
        self.snapshot = Snapshot.open(self.read_side.root)
        if self.written:
            self.written(papers)  # after the slice is committed: what follows is never part of it

    def finish(self) -> None:
        if self.store.shared:
            # Others may have written meanwhile: mark this write, then read everything back.
            self.read_side.rebuild(self.store.mark_generation())

    def close(self) -> None:
        self.seen.close()


def ingest(store: PaperStore, read_side: ReadSide, embedder: Embedder, papers: Iterable[Paper],
           on_progress: ProgressFn | None = None, position: Callable[[], tuple[int, int]] | None = None,
           slice_size: int = SLICE, written: Callable[[list[Paper]], None] | None = None) -> IngestReport:
    """`position`: (bytes read, bytes in all) of the input, for progress and its ETA; `written`:
    called with each slice of new or changed papers once it is in the index."""
    start = time.perf_counter()
    report = IngestReport()
    progress = IngestProgress()

    def tell() -> None:
        if on_progress:
            if position:
                progress.bytes_done, progress.bytes_total = position()
            on_progress(progress)

    batches = _batches(papers, BATCH)
    first = next(batches, None)
    if first is not None:  # nothing is opened or written for an input without papers
        with read_side.write_lock():
            run = _Run(store, read_side, embedder, report, progress, tell, slice_size, written)
            try:
                for batch in itertools.chain([first], batches):
                    progress.records += len(batch)
                    run.batch(batch)
                run.finish()
            finally:
                run.close()
        tell()
    report.seconds = time.perf_counter() - start
    return report


def clear(store: PaperStore, read_side: ReadSide) -> int:
    from assistant.errors import IndexUnavailable

    with read_side.write_lock():
        try:
            count = store.count()
        except IndexUnavailable:  # a damaged store: clearing it is the way out
            count = 0
        read_side.clear()
    return count
