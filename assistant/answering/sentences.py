"""Sentence splitting for abstracts: aware of "e.g.", "et al.", decimals and initials."""

from __future__ import annotations

import re

_ABBREV = re.compile(r"\b(e\.g|i\.e|et al|etc|vs|cf|fig|eq|approx|resp|incl|no|sec)\.$", re.I)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z(\[\"'0-9])")


def split_sentences(text: str) -> list[str]:
    pieces = _BOUNDARY.split(text.strip())
    sentences: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        # Glue back a split made after an abbreviation or a single initial ("J. Smith").
        if sentences and (_ABBREV.search(sentences[-1]) or re.search(r"\b[A-Z]\.$", sentences[-1])):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)
    return sentences
