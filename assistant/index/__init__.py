"""The index: MiniLM vectors in Chroma plus a BM25 index, kept in step by one ingest path."""

from __future__ import annotations

import threading

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.index.lexical import LexicalIndex
from assistant.index.store import ChromaStore

ProgressFn = Callable[[int, int], None]  # (done, total)


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    duplicates: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class PaperIndex:
    def __init__(self, directory: Path, embedder):
        self.directory = directory
        self.embedder = embedder
        from assistant.embedding import EMBEDDER_NAME

        self.store = ChromaStore(directory, EMBEDDER_NAME)
        self._lexical: LexicalIndex | None = None
        # A warm-up thread may load (or heal) the BM25 index while an ingest rebuilds it:
        # one at a time, or the older one could be saved or kept last.
        self._lexical_lock = threading.RLock()

    def _write_lock(self):
        # Chroma is not safe with two processes writing one directory: serialise writers.
        from filelock import FileLock

        self.directory.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.directory / ".write.lock"))

    @property
    def lexical(self) -> LexicalIndex:
        with self._lexical_lock:
            if self._lexical is None:
                loaded = LexicalIndex.load(self.directory)
                if loaded is None or len(loaded.ids) != self.store.count():
                    loaded = self._rebuild_lexical()  # older or interrupted index: heal it
                self._lexical = loaded
            return self._lexical

    def _rebuild_lexical(self) -> LexicalIndex:
        lexical = LexicalIndex.build(self.store.iter_papers())
        lexical.save(self.directory)
        return lexical

    def ingest(self, papers: Sequence[Paper], on_progress: ProgressFn | None = None) -> IngestReport:
        """Embed only new or changed papers; re-running on the same input changes nothing."""
        import time

        start = time.perf_counter()
        report = IngestReport()
        with self._write_lock():
            stored = self.store.stored_hashes([p.id for p in papers])
            todo = [p for p in papers if stored.get(p.id) != p.content_hash]
            report.updated = sum(1 for p in todo if p.id in stored)
            report.added = len(todo) - report.updated
            report.unchanged = len(papers) - len(todo)
            if todo:
                done = 0
                if on_progress:
                    on_progress(0, len(todo))
                # Embed and write in slices so an interrupted ingest keeps what it finished.
                step = 512
                for offset in range(0, len(todo), step):
                    chunk = todo[offset : offset + step]

                    def tick(n: int) -> None:
                        nonlocal done
                        done += n
                        if on_progress:
                            on_progress(done, len(todo))

                    vectors = self.embedder.encode([p.embedding_text for p in chunk], on_batch=tick)
                    self.store.upsert(chunk, vectors)
                with self._lexical_lock:
                    self._lexical = self._rebuild_lexical()
        report.seconds = time.perf_counter() - start
        return report

    def clear(self) -> int:
        with self._write_lock():
            count = self.store.count()
            self.store.clear()
            with self._lexical_lock:
                LexicalIndex.remove(self.directory)
                self._lexical = None
        return count

    def count(self) -> int:
        return self.store.count()

    def dense_search(self, vector: np.ndarray, k: int, where: dict | None = None):
        return self.store.query(vector, k, where)

    def lexical_search(self, query: str, k: int):
        return self.lexical.search(query, k)

    def papers(self, ids: Sequence[str]) -> dict[str, Paper]:
        return self.store.get(ids)

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self.store.vectors(ids)
