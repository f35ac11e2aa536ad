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


def load_questions(path: Path) -> tuple[list[Question], list[str]]:
    if not path.is_file():
        raise MissingInputError(f"{path}: no such file")
    questions, problems, seen = [], [], set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
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
