"""Citations in model output: `[1]`, `[1, 3]`, `[1][2]`, mapped to the numbered sources."""

from __future__ import annotations

import re
from dataclasses import dataclass

_GROUP = re.compile(r"\s*\[(\s*\d+(?:\s*[,;]\s*\d+)*\s*)\]")
_SENTENCE_END = re.compile(r"(?<=[.!?\]])\s+(?=[A-Z0-9\"'(])")


@dataclass
class CitedSentence:
    text: str  # without citation markers
    refs: list[int]


def parse_refs(group: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", group)]


def split_cited_sentences(answer: str) -> list[CitedSentence]:
    """Sentences with the citation numbers each one carries (markers removed from the text)."""
    sentences: list[CitedSentence] = []
    for raw in _SENTENCE_END.split(answer.strip()):
        refs: list[int] = []
        for match in _GROUP.finditer(raw):
            refs.extend(r for r in parse_refs(match.group(1)) if r not in refs)
        text = _GROUP.sub("", raw).strip()
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        if text or refs:
            sentences.append(CitedSentence(text, refs))
    return sentences


def strip_invalid(answer: str, valid: set[int]) -> tuple[str, int]:
    """Remove citations of numbers that were never given; return the text and how many went."""
    removed = 0

    def fix(match: re.Match) -> str:
        nonlocal removed
        refs = parse_refs(match.group(1))
        kept = [r for r in refs if r in valid]
        removed += len(refs) - len(kept)
        return f" [{', '.join(map(str, kept))}]" if kept else ""

    return _GROUP.sub(fix, answer), removed


def render_sentences(sentences: list[CitedSentence]) -> str:
    parts = []
    for s in sentences:
        text = s.text.rstrip()
        end = text[-1] if text and text[-1] in ".!?" else "."
        body = text[:-1] if text and text[-1] in ".!?" else text
        cites = "".join(f"[{r}]" for r in s.refs)
        parts.append(f"{body} {cites}{end}" if cites else f"{body}{end}")
    return " ".join(parts)
