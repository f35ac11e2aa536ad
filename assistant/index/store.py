"""The store of record for papers and their vectors, as the index sees it.

Two implementations, one file each: an embedded Chroma in the index directory
(`chroma_embedded.py`) and a Chroma server several machines share (`chroma_server.py`). The
index's read side (`read_side.py`) is local either way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.corpus import Paper


class PaperStore(Protocol):
    location: str  # where it lives, for messages
    # Others may write to it (a server): readers rebuild their read side when its generation
    # token moves, and an ingest reads everything back instead of merging.
    shared: bool

    def count(self) -> int: ...

    def refresh(self) -> None:
        """Read the store afresh on next use (another process may have written)."""

    def load_problem(self, ids: list[str]) -> str | None:
        """Why the store cannot be read (checked outside this process: a store a killed writer
        damaged can crash the reader); None when it can."""

    def set_aside(self, keep: bool = True) -> Path | None:
        """Move the store's files away unopened (kept beside it, or removed); returns where."""

    def generation(self) -> str:
        """The token the last ingest left ("" for a store nobody else writes)."""

    def mark_generation(self) -> str:
        """Leave a new token: this ingest's writes are in."""

    def stored_versions(self, ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """(content hash, arXiv version number or 0) of the papers already stored."""

    def upsert(self, papers: Sequence[Paper], embeddings: np.ndarray) -> None: ...

    def query(self, vector: np.ndarray, k: int, years: tuple[int | None, int | None] | None = None
              ) -> list[tuple[str, float]]:
        """(id, cosine similarity) pairs from the store's own (approximate) index, best first."""

    def get(self, ids: Sequence[str]) -> tuple[list[Paper], list[dict], np.ndarray]:
        """The stored papers among `ids`, with their stored metadata and vectors."""

    def pages(self, size: int = 5000) -> Iterator[tuple[list[Paper], list[dict], np.ndarray]]:
        """Every paper with its stored metadata and vector, a page at a time."""

    def delete(self, ids: Sequence[str]) -> None: ...

    def clear(self) -> None: ...


def open_store(directory: Path, embedder_name: str, url: str | None = None) -> PaperStore:
    """The store an index directory and settings name (nothing is opened until first use)."""
    if url:
        from assistant.index.chroma_server import ChromaServerStore

        return ChromaServerStore(url, embedder_name)
    from assistant.index.chroma_embedded import EmbeddedChromaStore

    return EmbeddedChromaStore(directory, embedder_name)
