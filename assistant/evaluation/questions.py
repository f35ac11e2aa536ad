"""Question sets: one JSON object per line; bad lines are reported and skipped, not fatal."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import MissingInputError


@dataclass
class Question:
    id: str
    question: str
    history: list = field(default_factory=list)
    gold: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)
    answerable: bool = True
    kind: str = "unlabelled"
    part: str = ""  # which set it came from (the file's stem unless the line says): tuning or held-out


# Fields that must be lists, and what a list there holds (named in the problem line).
_LISTS = {"gold": "paper ids", "facts": "facts", "history": "earlier turns"}


def load_questions(path: Path) -> tuple[list[Question], list[str]]:
    """Questions of a JSONL set, and one `path:line: what` problem per line that is skipped."""
    if not path.is_file():
        raise MissingInputError(f"{path}: no such file")
    questions, problems, seen = [], [], set()
    for number, raw in enumerate(path.read_bytes().splitlines(), 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}:{number}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})")
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"{path}:{number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("question"), str) or not obj["question"].strip():
            problems.append(f"{path}:{number}: expected an object with a non-empty 'question'")
            continue
        wrong = next((k for k in _LISTS if obj.get(k) is not None and not isinstance(obj[k], list)), None)
        if wrong:
            problems.append(f"{path}:{number}: '{wrong}' must be a list of {_LISTS[wrong]}, "
                            f"not {type(obj[wrong]).__name__}")
            continue
        qid = str(obj.get("id") or f"line-{number}")
        if qid in seen:
            problems.append(f"{path}:{number}: duplicate id {qid!r}")
            continue
        seen.add(qid)
        gold = obj.get("gold") or []
        answerable = obj.get("answerable", bool(gold))
        questions.append(Question(
            qid, obj["question"], list(obj.get("history") or []), [str(g) for g in gold],
            [str(f) for f in obj.get("facts") or []], bool(answerable), str(obj.get("kind") or "unlabelled"),
            str(obj.get("part") or path.stem),
        ))
    return questions, problems
