"""The shape of the code, checked: data flows one way through the stages, answering never
reaches into the index, and the interfaces never touch Chroma or llama.cpp."""

from __future__ import annotations

import ast
from pathlib import Path

import assistant

PACKAGE = Path(assistant.__file__).parent
# Each stage may import its own and earlier stages, never a later one.
RANK = {
    "errors": 0, "paths": 0, "settings": 0, "text": 0, "models": 0,
    "corpus": 1, "index": 2, "retrieval": 3, "answering": 4, "chat": 5, "evaluation": 5,
    "service": 6, "tui": 7, "server": 7, "cli": 8,  # `assistant chat` opens the TUI, `serve` the server
    # The service's rule for the bundled demo corpus (which index it may go into): below the
    # service that applies it, beside the stages it never imports.
    "demo": 5,
}


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[0] != "__init__":
            yield parts[0], path


def test_every_top_level_module_belongs_to_a_stage():
    assert {stage for stage, _ in modules()} <= set(RANK)


def test_imports_never_point_to_a_later_stage():
    wrong = []
    for stage, path in modules():
        for name in imports(path):
            if name.startswith("assistant."):
                target = name.split(".")[1]
                if RANK[target] > RANK[stage] or (RANK[target] == RANK[stage] and target != stage
                                                  and RANK[stage] > 0):
                    wrong.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert wrong == []


def test_answering_sees_the_index_only_through_term_stats():
    for path in (PACKAGE / "answering").glob("*.py"):
        assert not any(n.startswith("assistant.index") for n in imports(path)), path


def test_interfaces_never_touch_the_store_or_the_model_runtime():
    forbidden = ("chromadb", "llama_cpp", "assistant.index", "assistant.models.llama", "assistant.models.minilm",
                 "assistant.models.onnx_minilm")
    for stage in ("cli", "tui", "server"):
        for path in (PACKAGE / stage).glob("*.py"):
            assert not any(n.startswith(forbidden) for n in imports(path)), path


def test_the_core_never_imports_ui_libraries():
    for stage, path in modules():
        if stage not in ("cli", "tui"):
            assert not any(n.split(".")[0] in ("textual", "rich", "click") for n in imports(path)), path
