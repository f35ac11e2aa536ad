"""What the rest of the code needs from a model: the embedder and generator protocols."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

BatchFn = Callable[[int], None]  # called with the size of each finished batch (progress bars)


class Embedder(Protocol):
    """Unit-length sentence vectors; every implementation in the index is the same model."""

    name: str

    def load(self) -> None:
        """Load the weights now (warm-up threads call this); otherwise the first encode does."""

    def encode(self, texts: Sequence[str], on_batch: BatchFn | None = None) -> np.ndarray:
        """One float32 row per text, in input order."""

    def encode_one(self, text: str) -> np.ndarray: ...


@dataclass
class GenerationStats:
    prompt_tokens: int = 0
    completion_tokens: int = 0


class Generator(Protocol):
    """A chat model that streams. Callers serialise on `lock` (llama.cpp is not thread-safe);
    `stream_chat` takes it itself."""

    n_ctx: int
    lock: threading.RLock

    @property
    def name(self) -> str: ...

    @property
    def loaded(self) -> bool: ...

    def load(self) -> None: ...

    def message_tokens(self, messages: list[dict]) -> int:
        """Tokens the messages take in the prompt (an upper bound is fine)."""

    def stream_chat(
        self,
        messages: list[dict],
        max_tokens: int,
        temperature: float = 0.0,
        grammar: str | None = None,
        stats: GenerationStats | None = None,
        stop: list[str] | None = None,
    ) -> Iterator[str]:
        """Yield text pieces as they are decoded; fill `stats` when the stream ends."""
