"""A Chroma server (`chroma run`) that several machines ingest into and ask from.

Every ingest leaves a new generation token in the collection's metadata; each machine's read
side remembers the token it was built from and rebuilds when the server's has moved.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from assistant.errors import IndexUnavailable
from assistant.index.chroma_base import COLLECTION, ChromaCollectionStore


class ChromaServerStore(ChromaCollectionStore):
    shared = True

    def __init__(self, url: str, embedder_name: str):
        super().__init__(embedder_name)
        self.url = url
        self.location = url

    def _client_for(self, chromadb, settings):
        parts = urlsplit(self.url if "://" in self.url else f"http://{self.url}")
        try:
            client = chromadb.HttpClient(host=parts.hostname or "localhost",
                                         port=parts.port or (443 if parts.scheme == "https" else 8000),
                                         ssl=parts.scheme == "https", settings=settings)
            client.heartbeat()
        except Exception as exc:  # connection refused, DNS, TLS: all mean the same to the user
            raise IndexUnavailable(f"cannot reach the Chroma server at {self.url} ({type(exc).__name__}); "
                                   "is `chroma run` running there?") from None
        return client

    def generation(self) -> str:
        self.collection  # opened (and checked) first
        fresh = self._client.get_collection(COLLECTION, embedding_function=None)
        return str((fresh.metadata or {}).get("generation", ""))

    def mark_generation(self) -> str:
        token = uuid.uuid4().hex
        self.collection.modify(metadata={"embedder": self.embedder_name, "generation": token})
        return token
