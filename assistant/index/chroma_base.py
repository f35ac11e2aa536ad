"""What both Chroma stores share: one collection of abstracts with our own embeddings."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.errors import IndexUnavailable

COLLECTION = "abstracts"


class ChromaCollectionStore:
    """A `PaperStore` over a Chroma client that subclasses create (`_client_for`)."""

    shared = False
    location = ""

    def __init__(self, embedder_name: str):
        self.embedder_name = embedder_name
        self._collection = None
        self._client = None
        # Chroma's client cache is not safe against two threads opening one path at once
        # (KeyError on the system registry): warm-up threads and the TUI both open lazily.
        self._opening = threading.Lock()

    def _client_for(self, chromadb, settings):
        raise NotImplementedError

    @property
    def collection(self):
        if self._collection is not None:
            return self._collection
        with self._opening:
            return self._open()

    def _open(self):
        if self._collection is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
            try:
                self._client = self._client_for(chromadb, settings)
                self._collection = self._client.get_or_create_collection(
                    COLLECTION,
                    embedding_function=None,  # the default one would download a model
                    configuration={"hnsw": {"space": "cosine", "ef_search": 128}},
                    metadata={"embedder": self.embedder_name},
                )
                self._opened(self._client, self._collection)
            except IndexUnavailable:
                raise
            except Exception as exc:  # Chroma raises many types for a damaged store
                raise IndexUnavailable(
                    f"{self.location}: the index cannot be opened ({type(exc).__name__}: {exc}); "
                    "run `assistant index clear --yes` and ingest again"
                ) from None
            stored = (self._collection.metadata or {}).get("embedder")
            if stored and stored != self.embedder_name:
                raise IndexUnavailable(
                    f"{self.location}: index was built with {stored}, not {self.embedder_name}; "
                    "run `assistant index clear --yes` and ingest again"
                )
        return self._collection

    def _opened(self, client, collection) -> None:
        """Called once a client and its collection are open (the embedded store owns its system)."""

    def refresh(self) -> None:
        """Read the store afresh on next use (see the embedded store's)."""

    def load_problem(self, ids: list[str]) -> str | None:
        """Why the store cannot be read after a writer was killed; None when it can. A server
        is its own process and says so itself: only the embedded store checks."""
        return None

    def set_aside(self, keep: bool = True) -> Path | None:
        raise IndexUnavailable(f"{self.location}: a damaged shared store is repaired on the server")

    def count(self) -> int:
        return self.collection.count()

    def generation(self) -> str:
        return ""

    def mark_generation(self) -> str:
        return ""

    def stored_versions(self, ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        found: dict[str, tuple[str, int]] = {}
        for start in range(0, len(ids), 5000):
            got = self.collection.get(ids=list(ids[start : start + 5000]), include=["metadatas"])
            for pid, meta in zip(got["ids"], got["metadatas"]):
                meta = meta or {}
                version = str(meta.get("version", ""))
                found[pid] = (str(meta.get("content_hash", "")), int(version[1:]) if version[1:].isdigit() else 0)
        return found

    def upsert(self, papers: Sequence[Paper], embeddings: np.ndarray) -> None:
        collection = self.collection
        batch = min(self._client.get_max_batch_size(), 4096)
        for start in range(0, len(papers), batch):
            chunk = papers[start : start + batch]
            collection.upsert(
                ids=[p.id for p in chunk],
                embeddings=embeddings[start : start + batch],
                documents=[p.abstract for p in chunk],
                metadatas=[p.to_metadata() for p in chunk],
            )

    def query(self, vector: np.ndarray, k: int, years: tuple[int | None, int | None] | None = None
              ) -> list[tuple[str, float]]:
        n = self.count()
        if n == 0:
            return []
        terms = [{"year": {op: y}} for op, y in zip(("$gte", "$lte"), years or (None, None)) if y is not None]
        where = None if not terms else terms[0] if len(terms) == 1 else {"$and": terms}
        result = self.collection.query(
            query_embeddings=[vector], n_results=min(k, n), where=where, include=["distances"]
        )
        return [(pid, 1.0 - float(d)) for pid, d in zip(result["ids"][0], result["distances"][0])]

    def get(self, ids: Sequence[str]) -> tuple[list[Paper], list[dict], np.ndarray]:
        """The stored papers among `ids`, with their metadata and vectors."""
        papers: list[Paper] = []
        metadatas: list[dict] = []
        vectors: list[np.ndarray] = []
        for start in range(0, len(ids), 5000):
            got = self.collection.get(ids=list(ids[start : start + 5000]),
                                      include=["documents", "metadatas", "embeddings"])
            self._collect(got, papers, metadatas, vectors)
        return papers, metadatas, (np.concatenate(vectors) if vectors else np.zeros((0, 0), np.float32))

    def pages(self, size: int = 5000) -> Iterator[tuple[list[Paper], list[dict], np.ndarray]]:
        """Every stored paper with its metadata and vector, a page at a time (bounded memory)."""
        offset = 0
        while True:
            got = self.collection.get(include=["documents", "metadatas", "embeddings"], limit=size, offset=offset)
            if not len(got["ids"]):
                return
            papers: list[Paper] = []
            metadatas: list[dict] = []
            vectors: list[np.ndarray] = []
            self._collect(got, papers, metadatas, vectors)
            yield papers, metadatas, vectors[0]
            offset += len(got["ids"])

    @staticmethod
    def _collect(got, papers: list, metadatas: list, vectors: list) -> None:
        if not len(got["ids"]):
            return
        for pid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]):
            papers.append(Paper.from_stored(pid, doc or "", meta or {}))
            metadatas.append(dict(meta or {}))
        vectors.append(np.asarray(got["embeddings"], dtype=np.float32))

    def delete(self, ids: Sequence[str]) -> None:
        if ids:
            self.collection.delete(ids=list(ids))

    def clear(self) -> None:
        self.collection  # open first so a missing collection is created, then dropped
        self._client.delete_collection(COLLECTION)
        self._collection = None
