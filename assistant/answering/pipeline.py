"""From retrieved hits to a checked answer.

`GroundedAnswerer`: evidence sentences in the prompt, citation-constrained decoding, every
sentence verified against the abstract it cites, refusal when the evidence is weak.
`StuffedAnswerer`: whole abstracts in the prompt, free decoding: the plain RAG baseline.
"""

from __future__ import annotations

import re
import time
from contextlib import closing
from collections.abc import Callable

import numpy as np

from assistant.answering import citations as cite
from assistant.answering.entities import unknown_names
from assistant.answering.evidence import (
    PaperEvidence,
    figure_kinds,
    select_evidence,
    states_figure,
    term_coverage,
    wants_several,
)
from assistant.answering.grammar import citation_grammar
from assistant.answering.prompts import render
from assistant.answering.result import REFUSAL, Answer, Citation, Source, Timings
from assistant.answering.verify import SUPPORT_THRESHOLD, support
from assistant.generation import GenerationStats, LlamaGenerator
from assistant.index.lexical import tokenize
from assistant.retrieval import Hit

TokenFn = Callable[[str], None]

# Refusal: relevance = best evidence sentence score mixed with how much of the question's
# information the top papers mention. Swept on the dev set with eval/calibrate.py.
REFUSE_BELOW = 0.34
W_EVIDENCE, W_COVERAGE = 0.6, 0.4
# A paraphrase shares few words with its abstract, so its relevance can fall under the
# threshold; but when one paper is much closer to the question than any other (dev set: 0.16 or
# more for such paraphrases, at most 0.07 for unanswerable questions), the question is about it.
STANDS_APART, STANDS_APART_MIN = 0.12, 0.4
MODEL_REFUSAL = "The abstracts do not cover this."
_PREAMBLE = re.compile(r"^(the answer( to (this|the) question)? is:?|answer:)\s*", re.I)
SENTENCE_WORDS = 45  # evidence sentences are cut here: long ones cost prefill time
# Sources kept for the prompt: those whose best sentence is within this of the best overall.
# A list or comparison draws on several papers, a plain question on the best one or two.
MARGIN_ONE, MARGIN_SEVERAL = 0.1, 0.2
COVERED = 0.8  # an answer sentence this similar to the lead evidence already states it...
COVERED_TERMS = 0.75  # ...if it also has this share of what the evidence adds to the question


def _shorten(sentence: str, words: int = SENTENCE_WORDS) -> str:
    parts = sentence.split()
    return sentence if len(parts) <= words else " ".join(parts[:words]) + " ..."


class _Stream:
    """Runs the model, forwards tokens, records time to first token."""

    def __init__(self, generator: LlamaGenerator, started: float, on_token: TokenFn | None):
        self.generator = generator
        self.started = started
        self.on_token = on_token
        self.ttft: float | None = None
        self.decode_s: float | None = None
        self.stats = GenerationStats()

    def run(self, messages: list[dict], max_tokens: int, temperature: float, grammar: str | None) -> str:
        pieces = []
        # closing(): a consumer that cancels (on_token raises) must release the model lock
        # now, not whenever the abandoned generator is collected.
        with closing(self.generator.stream_chat(
            messages, max_tokens, temperature, grammar=grammar, stats=self.stats
        )) as stream:
            for piece in stream:
                if self.ttft is None:
                    self.ttft = time.perf_counter() - self.started
                pieces.append(piece)
                if self.on_token:
                    self.on_token(piece)
        if self.ttft is not None:
            self.decode_s = time.perf_counter() - self.started - self.ttft
        return "".join(pieces)


def _fit_sources(generator: LlamaGenerator, system: str, blocks: list[str], question: str, budget: int) -> list[str]:
    """Drop the lowest-ranked sources until the prompt fits the context (never overflow)."""
    blocks = list(blocks)
    while blocks:
        user = render("answer", sources="\n".join(blocks), question=question)
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        if generator.message_tokens(messages) <= budget:
            return blocks
        if len(blocks) == 1:
            # One source alone too long: cut its text by words until it fits.
            words = blocks[0].split()
            blocks[0] = " ".join(words[: int(len(words) * 0.8)])
            if len(words) < 20:
                return []
        else:
            blocks.pop()
    return blocks


class GroundedAnswerer:
    def __init__(self, generator: LlamaGenerator, embedder, lexical, settings):
        self.generator = generator
        self.embedder = embedder
        self.idf = lexical.term_idf
        self.known = lambda token: token in lexical.vocab
        self.settings = settings

    def relevance(self, question: str, evidence: list[PaperEvidence]) -> float:
        if not evidence:
            return 0.0
        best = max(e.best for e in evidence)
        q_terms = tokenize(question)
        coverage = max(
            term_coverage(q_terms, set(tokenize(e.hit.paper.title + " " + e.hit.paper.abstract)), self.idf)
            for e in evidence[:3]
        )
        return W_EVIDENCE * best + W_COVERAGE * coverage

    def answer(
        self,
        question: str,
        query: str,
        hits: list[Hit],
        vector: np.ndarray,
        started: float,
        on_token: TokenFn | None = None,
    ) -> Answer:
        evidence = select_evidence(query, vector, hits, self.embedder, self.idf)
        retrieve_s = time.perf_counter() - started
        timings = Timings(retrieve_s=retrieve_s)
        relevance = self.relevance(query, evidence)
        if (relevance < REFUSE_BELOW and not _stands_apart(hits)) or unknown_names(question, self.known):
            timings.total_s = time.perf_counter() - started
            return Answer(question, REFUSAL, True, [], [], near_misses=hits[:3],
                          relevance=relevance, model=self.generator.name, timings=timings)

        several = wants_several(question)
        top = max(e.best for e in evidence)
        kept = [e for e in evidence if e.best >= top - (MARGIN_SEVERAL if several else MARGIN_ONE)]
        named = [e for e in evidence if e.hit.named]
        if named and (len(named) > 1 or not several):
            # The question names its papers: the answer comes from them, not from look-alikes.
            kept = named
        kinds = figure_kinds(query)
        if kinds and not any(states_figure(kinds, f"{e.hit.paper.title}. {e.hit.paper.abstract}") for e in kept):
            # "How many parameters does X have?" when X's abstract states no such figure.
            timings.total_s = time.perf_counter() - started
            return Answer(question, REFUSAL, True, [], [], near_misses=hits[:3],
                          relevance=relevance, model=self.generator.name, timings=timings)
        sources: list[Source] = []
        for ref, item in enumerate(kept, 1):
            chosen = item.chosen if ref <= 2 else item.chosen[:1]
            sources.append(Source(ref, item.hit, [_shorten(s.text) for s in chosen]))
        system = render("system")
        blocks = [render("source", ref=s.ref, title=s.paper.title, text=" ".join(s.evidence)) for s in sources]
        budget = self.generator.n_ctx - self.settings.max_tokens - 16
        blocks = _fit_sources(self.generator, system, blocks, query, budget)
        sources = sources[: len(blocks)]
        by_ref = {s.ref: e for s, e in zip(sources, kept)}
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": render("answer", sources="\n".join(blocks), question=query)},
        ]
        stream = _Stream(self.generator, started, on_token)
        grammar = citation_grammar([s.ref for s in sources]) if self.settings.citation_grammar else None
        raw = stream.run(messages, self.settings.max_tokens, self.settings.temperature, grammar)
        timings.ttft_s = stream.ttft
        timings.prompt_tokens = stream.stats.prompt_tokens
        timings.completion_tokens = stream.stats.completion_tokens
        timings.decode_s = stream.decode_s

        sentences, cited, unsupported, removed, vectors = self._verify(raw, by_ref)
        leads = self._leads(sources, by_ref, several)
        extractive = not sentences
        # The best evidence goes into the answer when no kept sentence already states it: a
        # small model's supported-but-vague sentence must not hide what the abstract says.
        stated = set(tokenize(" ".join(s.text for s in sentences)))
        for source, best in leads:
            if vectors and max(float(np.dot(best.vector, v)) for v in vectors) >= COVERED and \
                    _states_terms(best.text, stated, query):
                continue
            sentences.append(cite.CitedSentence(_quote(source, best.text, extractive), [source.ref]))
            if all(c.ref != source.ref for c in cited):
                cited.append(Citation(source.ref, source.paper, best.text, round(best.score, 4)))
        cited.sort(key=lambda c: c.ref)
        text = cite.render_sentences(sentences)
        timings.total_s = time.perf_counter() - started
        return Answer(question, text, False, sources, cited, removed_citations=removed,
                      unsupported=unsupported, extractive=extractive, relevance=relevance,
                      model=self.generator.name, timings=timings)

    def _verify(self, raw: str, by_ref: dict[int, PaperEvidence]):
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
            if any(float(np.dot(vector, v)) > 0.92 for v in seen_claims):
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
    def _leads(sources: list[Source], by_ref: dict[int, PaperEvidence], several: bool):
        """The best evidence sentence of the best source (of the best two for a list or a
        comparison): what the answer must state."""
        ranked = sorted(sources, key=lambda s: -by_ref[s.ref].best)[: 2 if several else 1]
        return [(s, max(by_ref[s.ref].sentences, key=lambda e: e.score)) for s in ranked]


def _stands_apart(hits: list[Hit]) -> bool:
    scores = sorted((h.score for h in hits), reverse=True)
    return len(scores) > 1 and scores[0] >= STANDS_APART_MIN and scores[0] - scores[1] >= STANDS_APART


def _states_terms(evidence: str, stated: set[str], question: str) -> bool:
    """Similar is not enough: "outputs directly from the convexes" is close to the evidence yet
    drops "polygonal meshes", the answer. The evidence's own words beyond the question count."""
    new = set(tokenize(evidence)) - set(tokenize(question))
    return not new or len(new & stated) / len(new) >= COVERED_TERMS


def _quote(source: Source, sentence: str, alone: bool) -> str:
    text = _shorten(sentence, 60).rstrip(".")
    return f"{source.paper.title}: {text}" if alone else f'The abstract of "{source.paper.title}" states: {text}'


class StuffedAnswerer:
    """The baseline users would otherwise have: top-k abstracts pasted in, no checks."""

    def __init__(self, generator: LlamaGenerator, settings):
        self.generator = generator
        self.settings = settings

    def answer(self, question, query, hits, vector, started, on_token=None) -> Answer:
        timings = Timings(retrieve_s=time.perf_counter() - started)
        sources = [Source(i, hit, [hit.paper.abstract]) for i, hit in enumerate(hits, 1)]
        system = render("system")
        blocks = [render("source", ref=s.ref, title=s.paper.title, text=s.paper.abstract) for s in sources]
        budget = self.generator.n_ctx - self.settings.max_tokens - 16
        blocks = _fit_sources(self.generator, system, blocks, query, budget)
        sources = sources[: len(blocks)]
        messages = [
            {"role": "system", "content": system},
            {"role": "user", "content": render("answer", sources="\n".join(blocks), question=query)},
        ]
        stream = _Stream(self.generator, started, on_token)
        raw = stream.run(messages, self.settings.max_tokens, self.settings.temperature, None)
        text, removed = cite.strip_invalid(raw.strip(), {s.ref for s in sources})
        refs = []
        for sentence in cite.split_cited_sentences(text):
            refs.extend(r for r in sentence.refs if r not in refs)
        by_ref = {s.ref: s for s in sources}
        citations = [Citation(r, by_ref[r].paper) for r in sorted(refs)]
        timings.ttft_s = stream.ttft
        timings.prompt_tokens = stream.stats.prompt_tokens
        timings.completion_tokens = stream.stats.completion_tokens
        timings.decode_s = stream.decode_s
        timings.total_s = time.perf_counter() - started
        refused = MODEL_REFUSAL.rstrip(".").casefold() in text.casefold() or not sources
        return Answer(question, text or REFUSAL, refused, sources, citations,
                      removed_citations=removed, model=self.generator.name, timings=timings)
