"""Follow-up questions become standalone queries before retrieval.

A 135M model rewrites unreliably, so the rewrite is deterministic: a follow-up that leans on
the conversation (pronouns, "it", "the method", very short) is joined with the subject of the
previous turn: the earlier question and the titles of the papers its answer cited.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|this|that|these|those|the (method|model|approach|paper|work|"
    r"technique|framework|authors?|study|idea|system|same)|he|she|such|there|former|latter)\b",
    re.I,
)
_FOLLOWUP_START = re.compile(r"^(and|what about|how about|also|so|but|then|why|compared)\b", re.I)


@dataclass
class Turn:
    question: str
    answer: str = ""
    cited_titles: list[str] = field(default_factory=list)


def parse_history(items: list) -> list[Turn]:
    """`--history` items: a string (an earlier question), {"question", "answer", ...}, or chat
    messages as OpenAI's API writes them ({"role": "user" | "assistant", "content"}), where an
    assistant message is the answer to the user message before it."""
    turns: list[Turn] = []
    for n, item in enumerate(items, 1):
        if isinstance(item, str):
            turns.append(Turn(item))
        elif isinstance(item, dict) and isinstance(item.get("question"), str):
            titles = item.get("cited_titles") or [
                c.get("title") for c in item.get("citations", []) if isinstance(c, dict)
            ]
            turns.append(Turn(item["question"], str(item.get("answer") or ""), [t for t in titles if t]))
        elif isinstance(item, dict) and item.get("role") in ("user", "assistant") and isinstance(item.get("content"), str):
            if item["role"] == "user":
                turns.append(Turn(item["content"]))
            elif turns and not turns[-1].answer:
                turns[-1].answer = item["content"]
            else:
                raise ValueError(f"history item {n}: an assistant message must follow a user message")
        elif isinstance(item, dict) and item.get("role") == "system":
            continue  # instructions to some other assistant: not a turn of this conversation
        else:
            raise ValueError(f"history item {n}: expected a string, an object with 'question', "
                             "or a message with 'role' (user or assistant) and 'content'")
    return turns


def needs_context(question: str) -> bool:
    words = question.split()
    return bool(_ANAPHORA.search(question) or _FOLLOWUP_START.search(question)) or len(words) <= 4


def standalone_query(question: str, history: list[Turn]) -> str:
    if not history or not needs_context(question):
        return question
    last = history[-1]
    subject = last.cited_titles[0] if last.cited_titles else last.question
    return f"{question.rstrip('?').strip()} (regarding: {subject})?"
