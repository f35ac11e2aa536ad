"""A retrieved paper with the scores that placed it."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.corpus import Paper


@dataclass
class Hit:
    paper: Paper
    score: float  # cosine similarity of question and paper (title + abstract)
    lexical: float = 0.0  # BM25 score (0 when the paper had no query term)
    fused: float = 0.0  # relative-score fusion score used for the order
    named: bool = False  # the question names this paper's method ("What does SpecTr ...")
