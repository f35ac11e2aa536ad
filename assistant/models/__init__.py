"""Model runtimes behind small protocols: embedders (MiniLM in torch for ingest, in ONNX Runtime
for questions, a hashing fake for tests) and generators (llama.cpp, a scripted fake), and where
GGUF files are found. Implementations import their heavy libraries on first use."""

from assistant.models.protocols import Embedder, GenerationStats, Generator

__all__ = ["Embedder", "GenerationStats", "Generator"]
