"""`PaperIndex`: what the rest of the code asks of the index.

The store of record (Chroma, embedded or a server) holds papers and vectors; questions read the
read side that each ingest appends to (`read_side.py`, `snapshot.py`), so they never import
chromadb. Ingest (`ingest.py`) writes both. A read that meets a damaged read-side file rebuilds
the read side from the store and is answered from the rebuilt one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.errors import IndexUnavailable
from assistant.index import ingest as ingesting
from assistant.index.ingest import SLICE, IngestReport, ProgressFn
from assistant.index.lexical import LexicalIndex
from assistant.index.read_side import ReadSide
from assistant.index.sentences import FILE as SENTENCES_FILE
from assistant.index.sentences import SentenceVectors
from assistant.index.snapshot import Snapshot
from assistant.index.store import PaperStore, open_store
from assistant.models import Embedder

# What numpy and SQLite raise on a file that changed under them (truncated, overwritten).
READ_ERRORS = (sqlite3.DatabaseError, OSError, ValueError, IndexError, KeyError)


class PaperIndex:
    def __init__(self, directory: Path, embedder: Embedder, vector_search: str = "exact",
                 chroma_url: str | None = None, store: PaperStore | None = None, slice_size: int = SLICE,
                 sentence_vectors: bool = True):
        """`store`: the store of record to use (default: Chroma in `directory`, or the server
        at `chroma_url`); `sentence_vectors`: embed and store abstract sentences at ingest."""
        self.directory = directory
        self.embedder = embedder
        self.store = store or open_store(directory, embedder.name, chroma_url)
        self.read_side = ReadSide(directory, self.store, embedder.name)
        self.vector_search = vector_search  # "exact": the read side's matrix; "chroma": its HNSW
        self.slice_size = slice_size
        self.sentences = SentenceVectors(directory / SENTENCES_FILE, embedder.name)
        self.store_sentences = sentence_vectors
        # Sentences are embedded by the query embedder when there is one (the service sets it):
        # the stored vectors are then exactly those a question would compute, and ONNX Runtime
        # embeds short texts 2x faster than sentence-transformers here.
        self.sentence_embedder: Embedder | None = None

    def snapshot(self) -> Snapshot:
        return self.read_side.current()

    def _read(self, job: Callable[[Snapshot], object]):
        snapshot = self.snapshot()
        try:
            return job(snapshot)
        except READ_ERRORS as exc:
            healed = self.read_side.damaged(f"{type(exc).__name__}: {exc}")
            try:
                return job(healed)
            except READ_ERRORS as again:
                raise IndexUnavailable(f"{self.directory}: the index's read side cannot be read ({again}); "
                                       "run `assistant index rebuild`") from None

    @property
    def lexical(self) -> LexicalIndex:
        return self.snapshot().lexical

    # ------------------------------------------------------------------ writing
    def ingest(self, papers: Iterable[Paper], on_progress: ProgressFn | None = None,
               position: Callable[[], tuple[int, int]] | None = None) -> IngestReport:
        """Embed only new or changed papers; re-running on the same input changes nothing."""
        return ingesting.ingest(self.store, self.read_side, self.embedder, papers, on_progress, position,
                                self.slice_size, self._store_sentences if self.store_sentences else None)

    def _store_sentences(self, papers: list[Paper]) -> None:
        self.sentences.fill([p.abstract for p in papers], self.sentence_embedder or self.embedder)

    def clear(self) -> int:
        count = ingesting.clear(self.store, self.read_side)
        self.sentences.clear()
        return count

    def rebuild(self) -> int:
        """The read side again from the store (`assistant index rebuild`)."""
        with self.read_side.write_lock():
            return self.read_side.rebuild()

    # ------------------------------------------------------------------ reading
    def count(self) -> int:
        return self.snapshot().count

    def dense_search(self, vector: np.ndarray, k: int, years: tuple[int | None, int | None] | None = None):
        """(id, cosine) pairs, best first; `years` limits to papers dated within (from, to)."""
        if self.vector_search == "chroma":
            self.snapshot()  # healed first: a store a killed ingest left must not be loaded here
            return self.store.query(vector, k, years)
        return self._read(lambda s: s.search(vector, k, years))

    def lexical_search(self, query: str, k: int):
        return self._read(lambda s: s.lexical.search(query, k))

    def papers(self, ids: Sequence[str]) -> dict[str, Paper]:
        return self._read(lambda s: s.papers(ids)) if ids else {}

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self._read(lambda s: s.vectors_of(ids)) if ids else {}
