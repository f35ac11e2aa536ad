"""Turning checked model sentences and chosen evidence into the answer a reader sees.

The answer states the specific content: the model's supported sentences first, then the chosen
evidence quoted word for word (where the key figures and names are), each cited. A list or a
comparison names each paper with its own evidence. Model output written as a list ("1. ...",
"- ...") is read item by item, and its leftovers ("1 [1].") never reach the answer.
"""

from __future__ import annotations

import re

from assistant.answering import citations as cite
from assistant.answering.result import Source

_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*•]|#+)\s+", re.M)
_NOT_A_CITATION = re.compile(r"\[(?![\d\s,;]+\])[^\]\n]{0,200}\]")  # "[Some Title]" in a list
_PREAMBLE = re.compile(r"^(the answer( to (this|the) question)? is:?|answer:)\s*", re.I)
MIN_CLAIM_WORDS = 3  # fewer words than this is a list leftover, not a claim


def clean_model_output(raw: str) -> str:
    """Prose from whatever the model wrote: list markers and bracketed titles dropped, each line
    a sentence of its own."""
    text = _PREAMBLE.sub("", raw.strip())
    text = _NOT_A_CITATION.sub("", _ITEM.sub("", text))
    # A line that ends in ":" introduces a list ("The papers are:"): it claims nothing.
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().endswith(":")]
    return " ".join(line if line[-1] in ".!?" else f"{line}." for line in lines)


# A sentence cannot end on an article, a preposition or a conjunction: one that does was cut off
# mid-way ("The dark matter is a [1].") and claims nothing whole.
_DANGLING = re.compile(r"\b(a|an|the|of|to|and|or|but|with|by|for|from|than|its|their)\W*$", re.I)


def is_claim(sentence: cite.CitedSentence) -> bool:
    return len(re.findall(r"[A-Za-z]{2,}", sentence.text)) >= MIN_CLAIM_WORDS and not _DANGLING.search(sentence.text)


def paper_label(source: Source) -> str:
    """What a list calls a paper: the name before the title's colon, else the title."""
    head, sep, _ = source.paper.title.partition(":")
    return head.strip() if sep and len(head.split()) <= 6 else source.paper.title


def quoted(sentence: str) -> str:
    return '"' + sentence.strip().rstrip(".").replace('"', "'") + '"'


def render(claims: list[cite.CitedSentence], quotes: list[tuple[Source, list[str]]], listed: bool) -> str:
    """`claims`: the model's checked sentences; `quotes`: each source with its sentences to quote;
    `listed`: name each paper with its evidence (lists, comparisons)."""
    parts = [cite.render_sentences(claims)] if claims else []
    for source, sentences in quotes:
        if not sentences:
            continue
        body = "; ".join(quoted(s) for s in sentences)
        if listed:
            parts.append(f"{paper_label(source)} [{source.ref}]: {body}.")
        else:
            parts.append(f"{body} [{source.ref}].")
    return " ".join(parts)
