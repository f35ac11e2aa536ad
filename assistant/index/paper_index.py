"""`PaperIndex`: what the rest of the code asks of the index.

The store of record (Chroma, embedded or a server) holds papers and vectors; questions read the
read side written after each ingest (`read_side.py`, `snapshot.py`), so they never import
chromadb. Ingest (`ingest.py`) writes both.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.index import ingest as ingesting
from assistant.index.ingest import IngestReport, ProgressFn
from assistant.index.lexical import LexicalIndex
from assistant.index.read_side import ReadSide
from assistant.index.snapshot import Snapshot
from assistant.index.store import PaperStore, open_store
from assistant.models import Embedder


class PaperIndex:
    def __init__(self, directory: Path, embedder: Embedder, vector_search: str = "exact",
                 chroma_url: str | None = None, store: PaperStore | None = None):
        """`store`: the store of record to use (default: Chroma in `directory`, or the server
        at `chroma_url`)."""
        self.directory = directory
        self.embedder = embedder
        self.store = store or open_store(directory, embedder.name, chroma_url)
        self.read_side = ReadSide(directory, self.store, embedder.name)
        self.vector_search = vector_search  # "exact": the read side's matrix; "chroma": its HNSW

    def snapshot(self) -> Snapshot:
        return self.read_side.current()

    @property
    def lexical(self) -> LexicalIndex:
        return self.snapshot().lexical

    # ------------------------------------------------------------------ writing
    def ingest(self, papers: Sequence[Paper], on_progress: ProgressFn | None = None) -> IngestReport:
        """Embed only new or changed papers; re-running on the same input changes nothing."""
        return ingesting.ingest(self.store, self.read_side, self.embedder, papers, on_progress)

    def clear(self) -> int:
        return ingesting.clear(self.store, self.read_side)

    # ------------------------------------------------------------------ reading
    def count(self) -> int:
        return self.snapshot().count

    def dense_search(self, vector: np.ndarray, k: int, years: tuple[int | None, int | None] | None = None):
        """(id, cosine) pairs, best first; `years` limits to papers dated within (from, to)."""
        if self.vector_search == "chroma":
            return self.store.query(vector, k, years)
        return self.snapshot().search(vector, k, years)

    def lexical_search(self, query: str, k: int):
        return self.lexical.search(query, k)

    def papers(self, ids: Sequence[str]) -> dict[str, Paper]:
        return self.snapshot().papers(ids) if ids else {}

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self.snapshot().vectors_of(ids) if ids else {}
