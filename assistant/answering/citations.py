"""The one citation parser: `[1]`, `[1, 3]`, `[1; 3]`, `[1][2]` in answer text.

Verification reads the numbers each sentence carries; the chat turns them into links; exports
renumber them document-wide; evaluation counts them. All of it goes through here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.text import split_sentences

# A citation number is ASCII and short: an answer cites at most a few dozen sources, and a bracketed
# 5000-digit run is not a citation (int() refuses it; found by the fuzz tests).
_NUMBER = r"[0-9]{1,6}"
GROUP = re.compile(rf"(?P<space>\s*)\[(?P<refs>\s*{_NUMBER}(?:\s*[,;]\s*{_NUMBER})*\s*)\]")


@dataclass
class CitedSentence:
    text: str  # without citation markers
    refs: list[int]


def parse_refs(group: str) -> list[int]:
    return [int(n) for n in re.findall("[0-9]+", group)]


def cited_refs(text: str) -> list[int]:
    """Every citation number in the text, in order of first appearance."""
    refs: list[int] = []
    for match in GROUP.finditer(text):
        refs.extend(r for r in parse_refs(match["refs"]) if r not in refs)
    return refs


def count_citations(text: str) -> int:
    """Citation marks, one per number: "[1, 3]" is two."""
    return sum(len(parse_refs(m["refs"])) for m in GROUP.finditer(text))


def rewrite(text: str, group: Callable[[list[int]], str]) -> str:
    """Each citation group replaced by `group(numbers)` (keeping the space before it)."""
    return GROUP.sub(lambda m: m["space"] + group(parse_refs(m["refs"])), text)


def renumber(text: str, mapping: dict[int, int]) -> str:
    """Citations through `mapping` (per-answer numbers to document-wide ones)."""
    return rewrite(text, lambda refs: "".join(f"[{mapping.get(r, r)}]" for r in refs))


def split_cited_sentences(answer: str) -> list[CitedSentence]:
    """Sentences with the citation numbers each one carries (markers removed from the text)."""
    sentences: list[CitedSentence] = []
    for raw in split_sentences(answer):
        refs = cited_refs(raw)
        text = GROUP.sub("", raw).strip()
        text = re.sub(r"\s+([.,;:!?])", r"\1", text)
        if text or refs:
            sentences.append(CitedSentence(text, refs))
    return sentences


def strip_invalid(answer: str, valid: set[int]) -> tuple[str, int]:
    """Remove citations of numbers that were never given; return the text and how many went."""
    removed = 0

    def fix(match: re.Match) -> str:
        nonlocal removed
        refs = parse_refs(match["refs"])
        kept = [r for r in refs if r in valid]
        removed += len(refs) - len(kept)
        return f" [{', '.join(map(str, kept))}]" if kept else ""

    return GROUP.sub(fix, answer), removed


def render_sentences(sentences: list[CitedSentence]) -> str:
    parts = []
    for s in sentences:
        text = s.text.rstrip()
        end = text[-1] if text and text[-1] in ".!?" else "."
        body = text[:-1] if text and text[-1] in ".!?" else text
        cites = "".join(f"[{r}]" for r in s.refs)
        parts.append(f"{body} {cites}{end}" if cites else f"{body}{end}")
    return " ".join(parts)
