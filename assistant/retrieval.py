"""Retrieval: dense and BM25 candidates, fused by reciprocal rank, one hit per paper."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.corpus import Paper
from assistant.index import PaperIndex
from assistant.index.lexical import tokenize

RRF_K = 60  # the constant from Cormack et al.; flattens the tail, robust without tuning
NAME_BONUS = 2.0 / RRF_K  # more than first place in both rankings
NAME_MAX_DF = 3  # a name token names at most a few papers


@dataclass
class Hit:
    paper: Paper
    score: float  # cosine similarity of question and paper (title + abstract)
    lexical: float = 0.0  # BM25 score (0 when the paper had no query term)
    fused: float = 0.0  # reciprocal-rank fusion score used for the order


def method_name(title: str) -> set[str]:
    """The name a paper goes by: "SpecTr: Fast ..." -> {"spectr"}; empty when untitled so."""
    head, sep, _ = title.partition(":")
    if not sep or len(head.split()) > 3:
        return set()
    return {t for t in tokenize(head) if len(t) > 2}


class Retriever:
    def __init__(self, index: PaperIndex, embedder):
        self.index = index
        self.embedder = embedder

    def _boost_named(self, query: str, fused: dict[str, float], papers: dict[str, Paper]) -> None:
        """A question that names a method ("What does SpecTr ...") wants that paper first:
        an exact name match outranks any fusion of similarities."""
        lexical = self.index.lexical
        n = max(1, len(lexical.ids))
        rare = float(np.log1p((n - NAME_MAX_DF + 0.5) / (NAME_MAX_DF + 0.5)))
        # Only rare name tokens count: "Learning to Parallel" must not claim every "learning".
        terms = {t for t in tokenize(query) if lexical.term_idf(t) >= rare}
        if not terms or not fused:
            return
        for pid, paper in papers.items():
            if method_name(paper.title) & terms:
                fused[pid] += NAME_BONUS

    def embed_query(self, query: str) -> np.ndarray:
        return self.embedder.encode_one(query)

    def search(self, query: str, k: int, mode: str = "hybrid", vector: np.ndarray | None = None) -> list[Hit]:
        if self.index.count() == 0:
            return []
        vector = self.embed_query(query) if vector is None else vector
        pool = max(20, 4 * k)
        dense = self.index.dense_search(vector, pool)
        lexical = self.index.lexical_search(query, pool) if mode == "hybrid" else []
        fused: dict[str, float] = {}
        for ranking in (dense, lexical):
            for rank, (pid, _) in enumerate(ranking):
                fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
        # One store read serves both the name boost (all candidates) and the hits.
        papers = self.index.papers(list(fused) if mode == "hybrid" else [])
        if mode == "hybrid":
            self._boost_named(query, fused, papers)
        order = sorted(fused, key=fused.get, reverse=True)[:k]
        if mode != "hybrid":
            papers = self.index.papers(order)
        # Exact cosine for every hit (lexical-only hits have no Chroma distance).
        vectors = self.index.vectors(order)
        bm25 = dict(lexical)
        return [
            Hit(
                paper=papers[pid],
                score=float(np.dot(vectors[pid], vector)),
                lexical=bm25.get(pid, 0.0),
                fused=fused[pid],
            )
            for pid in order
            if pid in papers
        ]
