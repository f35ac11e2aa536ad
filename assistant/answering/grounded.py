"""The grounded answerer: evidence sentences in the prompt, every generated sentence verified
against the abstract it cites, the lead evidence stated, refusal when the evidence is weak."""

from __future__ import annotations

import re
import time

import numpy as np

from assistant.answering import citations as cite
from assistant.answering import refusal
from assistant.answering.evidence import PaperEvidence, select_evidence, wants_several
from assistant.answering.grammar import citation_grammar
from assistant.answering.prompts import render
from assistant.answering.result import REFUSAL, Answer, Citation, Source, Timings
from assistant.answering.stream import Stream, TokenFn, fit_sources, messages_for, prompt_budget
from assistant.answering.verify import SUPPORT_THRESHOLD, support
from assistant.models import Embedder, Generator
from assistant.retrieval import Hit
from assistant.text import TermStats, tokenize

MODEL_REFUSAL = "The abstracts do not cover this."
_PREAMBLE = re.compile(r"^(the answer( to (this|the) question)? is:?|answer:)\s*", re.I)
SENTENCE_WORDS = 45  # evidence sentences are cut here: long ones cost prefill time
# Sources kept for the prompt: those whose best sentence is within this of the best overall.
# A list or comparison draws on several papers, a plain question on the best one or two.
MARGIN_ONE, MARGIN_SEVERAL = 0.1, 0.2
COVERED = 0.8  # an answer sentence this similar to the lead evidence already states it...
COVERED_TERMS = 0.75  # ...if it also has this share of what the evidence adds to the question
DUPLICATE_CLAIM = 0.92  # a sentence this close to a kept one repeats it


def shorten(sentence: str, words: int = SENTENCE_WORDS) -> str:
    parts = sentence.split()
    return sentence if len(parts) <= words else " ".join(parts[:words]) + " ..."


class GroundedAnswerer:
    def __init__(self, generator: Generator, embedder: Embedder, terms: TermStats, settings):
        self.generator = generator
        self.embedder = embedder
        self.terms = terms
        self.settings = settings

    def _refusal(self, question: str, hits: list[Hit], relevance: float, timings: Timings, started: float) -> Answer:
        timings.total_s = time.perf_counter() - started
        return Answer(question, REFUSAL, True, [], [], near_misses=hits[:3],
                      relevance=relevance, model=self.generator.name, timings=timings)

    def answer(
        self,
        question: str,
        query: str,
        hits: list[Hit],
        vector: np.ndarray,
        started: float,
        on_token: TokenFn | None = None,
    ) -> Answer:
        evidence = select_evidence(query, vector, hits, self.embedder, self.terms)
        timings = Timings(retrieve_s=time.perf_counter() - started)
        relevance = refusal.relevance(query, evidence, self.terms)
        if refusal.too_weak(question, relevance, hits, self.terms):
            return self._refusal(question, hits, relevance, timings, started)

        several = wants_several(question)
        kept = self._sources(evidence, several)
        if refusal.detail_missing(query, kept):
            return self._refusal(question, hits, relevance, timings, started)
        sources: list[Source] = []
        for ref, item in enumerate(kept, 1):
            chosen = item.chosen if ref <= 2 else item.chosen[:1]
            sources.append(Source(ref, item.hit, [shorten(s.text) for s in chosen]))
        system = render("system")
        blocks = [render("source", ref=s.ref, title=s.paper.title, text=" ".join(s.evidence)) for s in sources]
        blocks = fit_sources(self.generator, system, blocks, query, prompt_budget(self.generator, self.settings.max_tokens))
        sources = sources[: len(blocks)]
        by_ref = {s.ref: e for s, e in zip(sources, kept)}
        stream = Stream(self.generator, started, on_token)
        grammar = citation_grammar([s.ref for s in sources]) if self.settings.citation_grammar else None
        raw = stream.run(messages_for(system, blocks, query), self.settings.max_tokens, self.settings.temperature,
                         grammar)
        stream.fill(timings)

        sentences, cited, unsupported, removed, vectors = self.verify(raw, by_ref)
        extractive = not sentences
        self._state_leads(sentences, cited, vectors, self.leads(sources, by_ref, several), query, extractive)
        cited.sort(key=lambda c: c.ref)
        timings.total_s = time.perf_counter() - started
        return Answer(question, cite.render_sentences(sentences), False, sources, cited, removed_citations=removed,
                      unsupported=unsupported, extractive=extractive, relevance=relevance,
                      model=self.generator.name, timings=timings)

    @staticmethod
    def _sources(evidence: list[PaperEvidence], several: bool) -> list[PaperEvidence]:
        top = max(e.best for e in evidence)
        kept = [e for e in evidence if e.best >= top - (MARGIN_SEVERAL if several else MARGIN_ONE)]
        named = [e for e in evidence if e.hit.named]
        if named and (len(named) > 1 or not several):
            # The question names its papers: the answer comes from them, not from look-alikes.
            kept = named
        return kept

    def verify(self, raw: str, by_ref: dict[int, PaperEvidence]):
        """Keep sentences whose cited abstract supports them; re-cite or drop the rest."""
        text, removed = cite.strip_invalid(_PREAMBLE.sub("", raw.strip()), set(by_ref))
        sentences = [s for s in cite.split_cited_sentences(text) if s.text]
        if not sentences or MODEL_REFUSAL.rstrip(".") in text:
            return [], [], [], removed, []
        vectors = self.embedder.encode([s.text for s in sentences])
        kept: list[cite.CitedSentence] = []
        citations: dict[int, Citation] = {}
        unsupported: list[str] = []
        seen_claims: list[np.ndarray] = []
        for sentence, vector in zip(sentences, vectors):
            if any(float(np.dot(vector, v)) > DUPLICATE_CLAIM for v in seen_claims):
                continue  # the small model repeats itself: one copy of a claim is enough
            checks = {r: support(sentence.text, vector, r, by_ref[r]) for r in by_ref}
            good = [checks[r] for r in sentence.refs if checks[r].score >= SUPPORT_THRESHOLD]
            if not good:
                # Right claim, wrong number: cite the source that clearly supports it instead.
                best = max(checks.values(), key=lambda s: s.score)
                if best.score >= SUPPORT_THRESHOLD + 0.05:
                    good = [best]
            if not good:
                unsupported.append(sentence.text)
                continue
            seen_claims.append(vector)
            kept.append(cite.CitedSentence(sentence.text, [g.ref for g in good]))
            for g in good:
                citations.setdefault(g.ref, Citation(g.ref, by_ref[g.ref].hit.paper, g.evidence, round(g.score, 4)))
        return kept, list(citations.values()), unsupported, removed, seen_claims

    @staticmethod
    def leads(sources: list[Source], by_ref: dict[int, PaperEvidence], several: bool):
        """The best evidence sentence of the best source (of the best two for a list or a
        comparison): what the answer must state."""
        ranked = sorted(sources, key=lambda s: -by_ref[s.ref].best)[: 2 if several else 1]
        return [(s, max(by_ref[s.ref].sentences, key=lambda e: e.score)) for s in ranked]

    @staticmethod
    def _state_leads(sentences, cited, vectors, leads, query: str, extractive: bool) -> None:
        """The best evidence goes into the answer when no kept sentence already states it: a
        small model's supported-but-vague sentence must not hide what the abstract says."""
        stated = set(tokenize(" ".join(s.text for s in sentences)))
        for source, best in leads:
            if vectors and max(float(np.dot(best.vector, v)) for v in vectors) >= COVERED and \
                    _states_terms(best.text, stated, query):
                continue
            sentences.append(cite.CitedSentence(_quote(source, best.text, extractive), [source.ref]))
            if all(c.ref != source.ref for c in cited):
                cited.append(Citation(source.ref, source.paper, best.text, round(best.score, 4)))


def _states_terms(evidence: str, stated: set[str], question: str) -> bool:
    """Similar is not enough: "outputs directly from the convexes" is close to the evidence yet
    drops "polygonal meshes", the answer. The evidence's own words beyond the question count."""
    new = set(tokenize(evidence)) - set(tokenize(question))
    return not new or len(new & stated) / len(new) >= COVERED_TERMS


def _quote(source: Source, sentence: str, alone: bool) -> str:
    text = shorten(sentence, 60).rstrip(".")
    return f"{source.paper.title}: {text}" if alone else f'The abstract of "{source.paper.title}" states: {text}'
