"""The query-time embedder: the same MiniLM weights run by ONNX Runtime, without torch.

Importing torch and sentence-transformers costs 5-8 s on this class of CPU; ONNX Runtime and
`tokenizers` load in ~0.1 s. The graph (BERT, mean pooling, L2 normalisation) is exported once
from the bundled weights with torch, whenever torch is loaded anyway (after an ingest), and
cached; its embeddings equal sentence-transformers' to ~1e-7. Ingest keeps sentence-transformers
(batched, GPU-capable); questions, evidence sentences and verification use this.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.models.minilm import EMBEDDER_NAME, encode_by_length, minilm_dir

MAX_TOKENS = 256  # sentence-transformers' max_seq_length for this model


def onnx_path(directory: Path) -> Path:
    """Keyed by the weights' size and mtime: new weights, new export."""
    weights = minilm_dir() / "model.safetensors"
    stat = weights.stat()
    return directory / f"{EMBEDDER_NAME}-{stat.st_size}-{int(stat.st_mtime)}.onnx"


def export_onnx(target: Path) -> Path:
    """Export the bundled MiniLM with pooling and normalisation inside the graph (needs torch)."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a one-time export is no news on a user's stderr
    model = AutoModel.from_pretrained(str(minilm_dir())).eval()

    class Pooled(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, dim=-1)

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    sample = torch.ones((1, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the exporter's notes on opsets are not the user's concern
        torch.onnx.export(
            Pooled(model), (sample, sample, torch.zeros_like(sample)), str(partial),
            input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["embedding"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                          "embedding": {0: "batch"}},
            opset_version=17, dynamo=False,
        )
    os.replace(partial, target)  # a reader never sees half a file
    return target


class OnnxMiniLM:
    """The same embedder as `MiniLMEmbedder`, for the query path."""

    name = EMBEDDER_NAME

    def __init__(self, path: Path, batch_size: int = 32, threads: int | None = None):
        self.path = path
        self.batch_size = batch_size
        self.threads = threads
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    def load(self):
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(minilm_dir() / "tokenizer.json"))
                tokenizer.enable_truncation(MAX_TOKENS)
                tokenizer.enable_padding()
                options = ort.SessionOptions()
                options.log_severity_level = 3
                if self.threads:
                    options.intra_op_num_threads = self.threads
                self._session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
                self._tokenizer = tokenizer
        return self._session, self._tokenizer

    def encode(self, texts: Sequence[str], on_batch: Callable[[int], None] | None = None) -> np.ndarray:
        session, tokenizer = self.load()

        def run(batch: list[str]) -> np.ndarray:
            encodings = tokenizer.encode_batch(batch)
            feed = {
                "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
                "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
                "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
            }
            return session.run(None, feed)[0]

        return encode_by_length(texts, self.batch_size, run, on_batch)

    def encode_one(self, text: str) -> np.ndarray:
        return self.encode([text])[0]
