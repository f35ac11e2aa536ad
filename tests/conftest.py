"""Shared fixtures. Every test runs with ASSISTANT_HOME in a temp dir (no user state touched).

The models are real: the bundled SmolLM2 through llama.cpp and MiniLM through
sentence-transformers; Chroma is a real embedded store on disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

DATA = Path(__file__).parent / "data"
# A test that takes one of these loads a real model (MiniLM in torch, the ONNX export, SmolLM2):
# it is `slow` whether or not its module says so, and `pytest -m "not slow"` (the logic, with
# the scripted generator and the hashing embedder) stays under a minute.
REAL_MODEL_FIXTURES = {"embedder", "bundled_index_dir", "bundled_assistant"}


def pytest_collection_modifyitems(items):
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def onnx_dir(tmp_path_factory):
    """The ONNX query embedder is exported once per session (~5 s), not once per test home."""
    return tmp_path_factory.mktemp("onnx")


@pytest.fixture(autouse=True)
def assistant_home(tmp_path, monkeypatch, onnx_dir):
    monkeypatch.setenv("ASSISTANT_HOME", str(tmp_path / "home"))
    for var in [v for v in os.environ if v.startswith("ASSISTANT_") and v != "ASSISTANT_HOME"]:
        monkeypatch.delenv(var)
    monkeypatch.setenv("ASSISTANT_ONNX_DIR", str(onnx_dir))
    return tmp_path / "home"


@pytest.fixture(scope="session")
def embedder():
    from assistant.models.minilm import MiniLMEmbedder

    return MiniLMEmbedder(device="cpu")


@pytest.fixture(scope="session")
def bundled_index_dir(tmp_path_factory, embedder):
    """The bundled corpus indexed once per session (~20 s on 2 cores); tests only read it."""
    from assistant.corpus import bundled_corpus_dir, load_corpus
    from assistant.index import PaperIndex

    directory = tmp_path_factory.mktemp("bundled-index")
    PaperIndex(directory, embedder).ingest(load_corpus([bundled_corpus_dir()]).papers)
    return directory


@pytest.fixture(scope="session")
def bundled_assistant(bundled_index_dir, embedder, onnx_dir):
    """One warm Assistant over the bundled index, shared like a long-running process would."""
    from assistant.paths import Paths
    from assistant.service import Assistant
    from assistant.settings import Settings

    root = bundled_index_dir.parent / "assistant-home"
    assistant = Assistant(
        Settings(index_dir=bundled_index_dir, n_threads=os.cpu_count() or 2, onnx_dir=onnx_dir),
        Paths(root / "config", root / "data", root / "cache"),
    )
    assistant.ingest_embedder = assistant.index.embedder = embedder
    assistant.ensure_index()  # exports the ONNX query embedder, as a first real run does
    return assistant


LLAMA_KEY = "test-llm-key"


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory):
    """A real `python -m llama_cpp.server` serving the bundled SmolLM2 on a free loopback port,
    with an API key; started once, stopped at the end of the session."""
    from assistant.models.gguf import bundled_model_path
    from servers import LlamaServer

    server = LlamaServer(bundled_model_path(), LLAMA_KEY, tmp_path_factory.mktemp("llama-server") / "log")
    try:
        yield server.wait()
    finally:
        server.stop()
