"""Prompt templates are files in `prompts/` (editable install) or `assistant/prompts/` (wheel)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from string import Template


def prompts_dir() -> Path:
    packaged = Path(__file__).resolve().parent.parent / "prompts"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "prompts"


@cache
def template(name: str) -> Template:
    # string.Template ($name) so that braces in abstracts and code never break formatting.
    return Template((prompts_dir() / f"{name}.md").read_text(encoding="utf-8").strip())


def render(name: str, **values: object) -> str:
    return template(name).safe_substitute({k: str(v) for k, v in values.items()})
