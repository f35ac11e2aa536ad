"""Ingest: which papers are new or changed, embedding them in slices, writing the store and then
the read side. Re-running on the same input changes nothing."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.corpus import Paper
from assistant.index.read_side import ReadSide
from assistant.index.store import PaperStore
from assistant.models import Embedder

ProgressFn = Callable[[int, int], None]  # (done, total)
SLICE = 512  # papers embedded and written together: an interrupted ingest keeps finished slices


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # older arXiv versions of stored papers, not taken
    rejected: int = 0
    duplicates: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def summary(self) -> str:
        """One line for people: the CLI prints it, the chat shows it as a notice."""
        parts = [f"added {self.added}", f"updated {self.updated}", f"unchanged {self.unchanged}"]
        if self.older:
            parts.append(f"older versions skipped {self.older}")
        parts.append(f"rejected {self.rejected}")
        return ", ".join(parts) + f" ({self.duplicates} duplicates merged)"


def plan(papers: Sequence[Paper], stored: dict[str, tuple[str, int]]) -> tuple[list[Paper], list[Paper]]:
    """(papers to embed and write, older arXiv versions of stored papers to skip)."""
    # An older arXiv version than the one stored (an old dump ingested after a new one) never
    # replaces it.
    older = [p for p in papers if p.id in stored and p.version_number < stored[p.id][1]]
    skip = {p.id for p in older}
    todo = [p for p in papers if p.id not in skip and stored.get(p.id, ("", 0))[0] != p.content_hash]
    return todo, older


def ingest(store: PaperStore, read_side: ReadSide, embedder: Embedder, papers: Sequence[Paper],
           on_progress: ProgressFn | None = None) -> IngestReport:
    start = time.perf_counter()
    report = IngestReport()
    with read_side.write_lock():
        stored = store.stored_versions([p.id for p in papers])
        todo, older = plan(papers, stored)
        report.updated = sum(1 for p in todo if p.id in stored)
        report.added = len(todo) - report.updated
        report.older = len(older)
        report.unchanged = len(papers) - len(todo) - len(older)
        if todo:
            done = 0
            if on_progress:
                on_progress(0, len(todo))
            base = read_side.base()
            read_side.marker.touch()
            written: list[np.ndarray] = []
            for offset in range(0, len(todo), SLICE):
                chunk = todo[offset : offset + SLICE]

                def tick(n: int) -> None:
                    nonlocal done
                    done += n
                    if on_progress:
                        on_progress(done, len(todo))

                vectors = embedder.encode([p.embedding_text for p in chunk], on_batch=tick)
                store.upsert(chunk, vectors)
                written.append(vectors)
            read_side.publish(base, todo, np.concatenate(written))
            read_side.marker.unlink()
    report.seconds = time.perf_counter() - start
    return report


def clear(store: PaperStore, read_side: ReadSide) -> int:
    with read_side.write_lock():
        count = store.count()
        read_side.marker.touch()
        store.clear()
        read_side.rebuild()
        read_side.marker.unlink()
    return count
