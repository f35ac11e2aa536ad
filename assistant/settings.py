"""One typed place for every setting: defaults < config file < env ASSISTANT_* < flags.

`load_settings` is the one way to build them (the CLI, the chat and `Assistant()` all use it).
Settings are frozen: what a session changes at run time (k, filters, the model) lives on the
`Assistant`, never here."""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal

from pydantic import Field
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from assistant.errors import UsageError
from assistant.paths import Paths, user_paths

_config_file: ContextVar[Path | None] = ContextVar("_config_file", default=None)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid", frozen=True)

    index_dir: Path | None = Field(None, description="Index directory (default: <data>/index).")
    model: str | None = Field(None, description="GGUF path or a file name in the models dir.")
    chat_format: str | None = Field(
        None, description="llama.cpp chat format to force when a GGUF has no usable template."
    )
    n_ctx: int = Field(2048, ge=256, description="Context window given to llama.cpp, in tokens.")
    n_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=1,
        description="CPU threads for llama.cpp (its own default is half the cores).",
    )
    n_gpu_layers: int = Field(0, description="Layers to offload to a GPU (-1: all).")
    llm_url: str | None = Field(
        None, description="An OpenAI-compatible model server's base URL (llama.cpp's llama-server, vLLM, "
        "`python -m llama_cpp.server`), e.g. http://gpu-box:8080/v1: the model runs there instead of "
        "in-process. Evidence selection, verification and refusal stay here.",
    )
    llm_api_key: str | None = Field(None, description="Bearer token for the model server "
                                    "(ASSISTANT_LLM_API_KEY).")
    llm_model: str | None = Field(None, description="Model name to ask the server for (default: the "
                                  "first one its /v1/models lists).")
    llm_timeout: float = Field(60.0, gt=0, description="Seconds to wait for the model server's next "
                               "bytes before giving up.")
    api_key: str | None = Field(None, description="Bearer token `assistant serve` requires of every request "
                                "(ASSISTANT_API_KEY); binding beyond loopback needs one.")
    max_tokens: int = Field(160, ge=16, description="Most tokens generated per answer.")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    k: int = Field(5, ge=1, le=50, description="Papers retrieved per question.")
    retrieval: Literal["hybrid", "dense"] = Field(
        "hybrid", description="hybrid: dense + BM25 fused; dense: vectors only."
    )
    chroma_url: str | None = Field(
        None, description="A Chroma server (`chroma run`) to keep the papers in, e.g. "
        "http://localhost:8000, shared by several machines; the read side stays in the index dir.",
    )
    vector_search: Literal["exact", "chroma"] = Field(
        "exact", description="exact: scan the index's vector matrix (no chromadb import at question "
        "time; 5 ms at 100k abstracts on 2 cores); chroma: Chroma's HNSW index.",
    )
    year_from: int | None = Field(None, description="Only papers from this year on.")
    year_to: int | None = Field(None, description="Only papers up to this year.")
    category: str | None = Field(None, description="Only papers in this arXiv category or archive (cs.CL, cs).")
    answer_mode: Literal["grounded", "stuffed", "extractive"] = Field(
        "grounded",
        description="grounded: evidence sentences, constrained citations, verification; "
        "stuffed: whole abstracts in the prompt (the plain RAG baseline); extractive: no model, "
        "the three sentences most like the question from the top two papers, cited (the baseline "
        "without a model).",
    )
    citation_grammar: bool = Field(
        False, description="Constrain decoding with a GBNF grammar (every sentence ends with a given "
        "[n]). Off by default: llama-cpp-python's grammar sampling halves decode speed (60 vs 132 "
        "tok/s here) for the same dev-set quality, since every sentence is verified and re-cited "
        "afterwards anyway. Turn on for a model that ignores the citation instruction.",
    )
    embed_batch_size: int | None = Field(
        None, ge=1, description="Texts per embedding batch (default: 32 on a CPU, 256 on a GPU).")
    embed_device: str | None = Field(
        None, description="torch device for ingest: cpu, cuda, cuda:1 (default: cuda when there is one).")
    ingest_slice: int = Field(
        512, ge=1, description="Papers embedded and written to the index together; an interrupted "
        "ingest keeps every finished slice.")
    sentence_vectors: bool = Field(
        True, description="Embed every abstract sentence at ingest and store the vectors, so a "
        "question embeds none (a cold ask ~0.7 s sooner here); ingest takes ~75% longer on a CPU. "
        "Off: sentences are embedded when a question needs them.")
    query_embedder: Literal["onnx", "torch"] = Field(
        "onnx", description="onnx: MiniLM in ONNX Runtime for questions (no torch import, exported "
        "once); torch: sentence-transformers for everything.",
    )
    onnx_dir: Path | None = Field(None, description="Where the exported ONNX MiniLM is cached "
                                  "(default: <cache>/onnx).")
    keymap: dict[str, str] = Field(
        default_factory=dict, description="Chat key bindings to change: binding id -> keys, e.g. "
        '{"export_chat" = "f6"} (`F1` in the chat lists the ids).',
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = _config_file.get()
        if config_file is not None and config_file.exists():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)


def load_settings(config_file: Path | None = None, **flags: Any) -> Settings:
    """Build settings; flags that are None mean "not given" and do not override anything."""
    from pydantic import ValidationError

    path = config_file or user_paths().config_file
    if config_file is not None and not config_file.exists():
        raise UsageError(f"{config_file}: config file not found")
    token = _config_file.set(path)
    try:
        return Settings(**{k: v for k, v in flags.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise UsageError(f"setting {field!r}: {first['msg']} (from {path}, env or flags)") from None
    except Exception as exc:  # tomllib.TOMLDecodeError surfaces here
        raise UsageError(f"{path}: cannot read config: {exc}") from None
    finally:
        _config_file.reset(token)


def index_dir(settings: Settings, paths: Paths | None = None) -> Path:
    return settings.index_dir or (paths or user_paths()).default_index_dir
