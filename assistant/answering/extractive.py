"""The standing baseline: no model. The three sentences most similar to the question from the
top two papers, quoted and cited. It never refuses (except with nothing retrieved), so it marks
what quoting alone achieves on answerable questions; the grounded mode must beat it.
"""

from __future__ import annotations

import time

import numpy as np

from assistant.answering.result import REFUSAL, Answer, Citation, Source, Timings
from assistant.models import Embedder
from assistant.retrieval import Hit
from assistant.text import split_sentences

PAPERS, SENTENCES = 2, 3


class ExtractiveAnswerer:
    def __init__(self, embedder: Embedder):
        self.embedder = embedder

    def answer(self, question: str, query: str, hits: list[Hit], vector: np.ndarray, started: float,
               on_token=None) -> Answer:
        top = hits[:PAPERS]
        split = [split_sentences(h.paper.abstract) or [h.paper.abstract] for h in top]
        flat = [(ref, s) for ref, sentences in enumerate(split, 1) for s in sentences]
        timings = Timings(retrieve_s=time.perf_counter() - started)
        if not flat:
            timings.total_s = time.perf_counter() - started
            return Answer(question, REFUSAL, True, [], [], near_misses=hits[:3], model=None, timings=timings)
        scores = self.embedder.encode([s for _, s in flat]) @ vector
        best = sorted(np.argsort(-scores, kind="stable")[:SENTENCES])  # in reading order
        chosen = [flat[i] for i in best]
        sources = [Source(ref, hit, [s for r, s in chosen if r == ref]) for ref, hit in enumerate(top, 1)]
        text = " ".join(f"{s.rstrip('.')} [{ref}]." for ref, s in chosen)
        citations = [Citation(ref, top[ref - 1].paper, next(s for r, s in chosen if r == ref))
                     for ref in sorted({ref for ref, _ in chosen})]
        timings.total_s = time.perf_counter() - started
        return Answer(question, text, False, sources, citations, extractive=True, model=None, timings=timings)
