"""A bag-of-words embedder: each token hashed to a signed dimension, the sum normalised.

For fast tests of logic that needs vectors (evidence, verification, refusal): sentences that
share words are close, others are not, and it loads nothing. Never an index's embedder in use.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from assistant.models.protocols import BatchFn
from assistant.text import tokenize


class HashingEmbedder:
    name = "hashing-bow"

    def __init__(self, dimensions: int = 384):
        self.dimensions = dimensions

    def load(self) -> None:
        return None

    def encode(self, texts: Sequence[str], on_batch: BatchFn | None = None) -> np.ndarray:
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                code = zlib.crc32(token.encode())
                out[row, code % self.dimensions] += 1.0 if code & 1 << 31 else -1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        if on_batch and len(texts):
            on_batch(len(texts))
        return out

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
