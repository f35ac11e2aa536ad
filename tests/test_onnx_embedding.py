"""The torch-free query embedder: same vectors as sentence-transformers, no torch import."""

import subprocess
import sys

import numpy as np


def test_onnx_embeddings_equal_sentence_transformers(bundled_assistant, embedder):
    from assistant.models.onnx_minilm import OnnxMiniLM

    assert isinstance(bundled_assistant.embedder, OnnxMiniLM)
    texts = ["What does BSP-Net output directly?", "x",
             "How can the memory that stores past attention keys and values be shrunk? " * 12]  # > 256 tokens
    fast = bundled_assistant.embedder.encode(texts)
    reference = embedder.encode(texts)
    assert fast.shape == reference.shape == (3, 384)
    assert np.abs(fast - reference).max() < 1e-4


def test_the_query_path_never_imports_torch_or_chromadb(bundled_assistant, onnx_dir):
    code = f"""
import sys
from assistant.service import Assistant
from assistant.settings import Settings
a = Assistant(Settings(index_dir={str(bundled_assistant.index.directory)!r}, onnx_dir={str(onnx_dir)!r}))
hits = a.search("What does BSP-Net output directly?")
assert "Binary Space" in hits[0].paper.title, hits[0].paper.title
heavy = {{"torch", "sentence_transformers", "chromadb", "scipy"}} & set(sys.modules)
assert not heavy, heavy
print("ok")
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "ok"
