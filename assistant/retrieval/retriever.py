"""Hybrid search: dense and BM25 candidates, fused by relative score, one hit per paper."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from assistant.corpus import Paper
from assistant.retrieval.filters import Filters
from assistant.retrieval.fusion import fuse, lexical_trust
from assistant.retrieval.hits import Hit
from assistant.retrieval.names import names_paper

if TYPE_CHECKING:
    from assistant.index import PaperIndex

POOL = 50  # candidates per ranking, fixed so that the order of the top k does not depend on k
NAME_BONUS = 0.5  # half the scale: a named method outranks anything that merely resembles it
NAME_MAX_DF = 3  # a name token names at most a few papers


class Retriever:
    def __init__(self, index: PaperIndex, embedder):
        self.index = index
        self.embedder = embedder

    def _boost_named(self, query: str, fused: dict[str, float], papers: dict[str, Paper]) -> set[str]:
        """A question that names a paper ("What does SpecTr ...") wants that paper first: an
        exact name match outranks any fusion of similarities."""
        lexical = self.index.lexical
        n = max(1, lexical.count)
        rare = float(np.log1p((n - NAME_MAX_DF + 0.5) / (NAME_MAX_DF + 0.5)))
        named = {pid for pid, paper in papers.items()
                 if names_paper(query, paper, lambda t: lexical.term_idf(t) >= rare)}
        for pid in named:
            fused[pid] += NAME_BONUS
        return named

    def embed_query(self, query: str) -> np.ndarray:
        return self.embedder.encode_one(query)

    def search(self, query: str, k: int, mode: str = "hybrid", vector: np.ndarray | None = None,
               filters: Filters | None = None) -> list[Hit]:
        if self.index.count() == 0:
            return []
        vector = self.embed_query(query) if vector is None else vector
        pool = max(POOL, k)
        dense = self.index.dense_search(vector, pool, filters.years if filters else None)
        # BM25 cannot filter inside: a deeper pool leaves enough after the filter.
        lexical = self.index.lexical_search(query, pool * (10 if filters else 1)) if mode == "hybrid" else []
        if filters:
            candidates = self.index.papers(list({pid for pid, _ in dense + lexical}))
            dense = [(pid, s) for pid, s in dense if pid in candidates and filters.accepts(candidates[pid])]
            lexical = [(pid, s) for pid, s in lexical if pid in candidates and filters.accepts(candidates[pid])][:pool]
        if mode == "hybrid":
            trust = lexical_trust(self.index.lexical.matched_share(query, lexical[0][0])) if lexical else 1.0
            fused = fuse(dense, lexical, lexical_trust=trust)
        else:
            fused = fuse(dense, [], 1.0)
        # One store read serves both the name boost (all candidates) and the hits.
        papers = self.index.papers(list(fused) if mode == "hybrid" else [])
        named = self._boost_named(query, fused, papers) if mode == "hybrid" else set()
        order = sorted(fused, key=lambda pid: (-fused[pid], pid))[:k]
        if mode != "hybrid":
            papers = self.index.papers(order)
        # Exact cosine for every hit (lexical-only hits have no dense score).
        vectors = self.index.vectors(order)
        bm25 = dict(lexical)
        return [
            Hit(
                paper=papers[pid],
                score=float(np.dot(vectors[pid], vector)),
                lexical=bm25.get(pid, 0.0),
                fused=fused[pid],
                named=pid in named,
            )
            for pid in order
            if pid in papers
        ]
