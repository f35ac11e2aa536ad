"""The vectors of abstract sentences, embedded at ingest so that a question embeds none of them.

Choosing evidence scores every sentence of the retrieved abstracts against the question: ~50
sentences, which cost a cold `ask` 0.5 s of MiniLM on this CPU before the model could start.
Ingest embeds them beside the paper vectors (the same embedder, batched, on a GPU when there is
one) and stores them here; a question looks them up and embeds only what is missing (papers
ingested before this store existed, or with `sentence_vectors = false`).

Content-addressed: a row is keyed by the embedder's name and a hash of the sentence, so nothing
here can go stale or half-written in a way that matters. A sentence the splitter no longer
produces is never looked up again; a missing row is embedded at question time; a store that
cannot be read or written is treated as empty, and the answer is the same.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from assistant.models import Embedder
from assistant.models.protocols import BatchFn
from assistant.text import split_sentences

FILE = "sentences.sqlite"
# float16 halves the file (768 bytes a sentence); a cosine moves by < 1e-3, below any margin
# the answering policy draws (checked: the dev set's verdicts are unchanged).
DTYPE = np.float16
_LOOKUP = 500  # keys per SELECT: under SQLite's limit on bound parameters


def abstract_sentences(abstract: str) -> list[str]:
    """How evidence splits an abstract: its sentences, or the whole text when it has none."""
    return split_sentences(abstract) or [abstract]


def _key(sentence: str) -> bytes:
    return hashlib.blake2b(sentence.encode("utf-8"), digest_size=16).digest()


class SentenceVectors:
    def __init__(self, path: Path, model: str):
        self.path = path
        self.model = model

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE IF NOT EXISTS sentence_vectors (model TEXT, key BLOB, vector BLOB, "
                   "PRIMARY KEY (model, key)) WITHOUT ROWID")
        return db

    def get(self, sentences: Sequence[str]) -> dict[int, np.ndarray]:
        """Stored vectors by position in `sentences` (float32); {} when the store is absent or
        unreadable."""
        if not sentences or not self.path.exists():
            return {}
        keys = [_key(s) for s in sentences]
        found: dict[bytes, np.ndarray] = {}
        try:
            db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
            try:
                unique = list(dict.fromkeys(keys))
                for start in range(0, len(unique), _LOOKUP):
                    part = unique[start : start + _LOOKUP]
                    rows = db.execute(f"SELECT key, vector FROM sentence_vectors WHERE model = ? AND key IN "
                                      f"({','.join('?' * len(part))})", [self.model, *part])
                    found.update((key, np.frombuffer(blob, DTYPE).astype(np.float32)) for key, blob in rows)
            finally:
                db.close()
        except sqlite3.Error:
            return {}
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def fill(self, abstracts: Iterable[str], embedder: Embedder, on_batch: BatchFn | None = None) -> int:
        """Embed and store the sentences of these abstracts that are not stored yet; returns how
        many were embedded."""
        sentences = list(dict.fromkeys(s for a in abstracts for s in abstract_sentences(a)))
        known = self.get(sentences)
        missing = [s for i, s in enumerate(sentences) if i not in known]
        if not missing:
            return 0
        vectors = embedder.encode(missing, on_batch=on_batch)
        db = self._connect()
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?)",
                               [(self.model, _key(s), v.astype(DTYPE).tobytes()) for s, v in zip(missing, vectors)])
        finally:
            db.close()
        return len(missing)

    def clear(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


class StoredSentenceEmbedder:
    """An embedder that answers from the stored sentence vectors and embeds only the rest: what
    evidence selection is given, so a question over ingested papers embeds no sentence."""

    def __init__(self, embedder: Embedder, store: SentenceVectors):
        self.embedder = embedder
        self.store = store
        self.name = embedder.name

    def load(self) -> None:
        self.embedder.load()

    def encode(self, texts: Sequence[str], on_batch: BatchFn | None = None) -> np.ndarray:
        stored = self.store.get(texts) if self.store.model == self.embedder.name else {}
        if not stored:
            return self.embedder.encode(texts, on_batch=on_batch)
        missing = [i for i in range(len(texts)) if i not in stored]
        out = np.empty((len(texts), next(iter(stored.values())).shape[0]), dtype=np.float32)
        for i, vector in stored.items():
            out[i] = vector
        if missing:
            out[missing] = self.embedder.encode([texts[i] for i in missing], on_batch=on_batch)
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.embedder.encode_one(text)
