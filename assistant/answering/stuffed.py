"""The baseline users would otherwise have: top-k abstracts pasted in, free decoding, no checks."""

from __future__ import annotations

import time

import numpy as np

from assistant.answering import citations as cite
from assistant.answering.grounded import MODEL_REFUSAL
from assistant.answering.prompts import render
from assistant.answering.result import REFUSAL, Answer, Citation, Source, Timings
from assistant.answering.stream import Stream, TokenFn, fit_sources, messages_for, prompt_budget
from assistant.models import Generator
from assistant.retrieval import Hit


class StuffedAnswerer:
    def __init__(self, generator: Generator, settings):
        self.generator = generator
        self.settings = settings

    def answer(self, question: str, query: str, hits: list[Hit], vector: np.ndarray, started: float,
               on_token: TokenFn | None = None) -> Answer:
        timings = Timings(retrieve_s=time.perf_counter() - started)
        sources = [Source(i, hit, [hit.paper.abstract]) for i, hit in enumerate(hits, 1)]
        system = render("system")
        blocks = [render("source", ref=s.ref, title=s.paper.title, text=s.paper.abstract) for s in sources]
        blocks = fit_sources(self.generator, system, blocks, query, prompt_budget(self.generator, self.settings.max_tokens))
        sources = sources[: len(blocks)]
        stream = Stream(self.generator, started, on_token)
        raw = stream.run(messages_for(system, blocks, query), self.settings.max_tokens, self.settings.temperature, None)
        stream.fill(timings)
        text, removed = cite.strip_invalid(raw.strip(), {s.ref for s in sources})
        by_ref = {s.ref: s for s in sources}
        citations = [Citation(r, by_ref[r].paper) for r in sorted(cite.cited_refs(text))]
        timings.total_s = time.perf_counter() - started
        refused = MODEL_REFUSAL.rstrip(".").casefold() in text.casefold() or not sources
        return Answer(question, text or REFUSAL, refused, sources, citations,
                      removed_citations=removed, model=self.generator.name, timings=timings)
