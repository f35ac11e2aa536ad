"""Chroma embedded in the index directory: one process writes at a time (the index's lock)."""

from __future__ import annotations

from pathlib import Path

from assistant.index.chroma_base import ChromaCollectionStore


class EmbeddedChromaStore(ChromaCollectionStore):
    def __init__(self, directory: Path, embedder_name: str):
        super().__init__(embedder_name)
        self.directory = directory
        self.location = str(directory)

    def _client_for(self, chromadb, settings):
        self.directory.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(self.directory / "chroma"), settings=settings)
