"""What an answer is: text, the numbered sources, verified citations, timings."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.answering.record import AnswerRecord, CitationRecord, NearMiss, SourceRecord, TimingsRecord
from assistant.corpus import Paper
from assistant.retrieval import Hit

REFUSAL = "The indexed abstracts do not cover this question."
# Why an answer was refused: nothing in the collection is about it; it names something the
# collection never mentions; or the paper is here but its abstract does not say this.
REFUSAL_REASONS = ("not-in-collection", "unknown-name", "not-stated")
# How interfaces word each reason.
REASON_WORDS = {
    "not-in-collection": "not in the collection",
    "unknown-name": "it names something the collection never mentions",
    "not-stated": "the paper is here, but its abstract does not say this",
}


@dataclass
class Source:
    ref: int
    hit: Hit
    evidence: list[str] = field(default_factory=list)  # what the model was shown

    @property
    def paper(self) -> Paper:
        return self.hit.paper


@dataclass
class Citation:
    ref: int
    paper: Paper
    evidence: str | None = None  # the abstract sentence that supports the citing sentence
    support: float | None = None


@dataclass
class Timings:
    retrieve_s: float = 0.0
    ttft_s: float | None = None  # from the question to the first generated token
    total_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    decode_s: float | None = None  # from the first generated token to the last
    cut_off: str | None = None  # why generation stopped before the model finished (a broken stream)

    @property
    def tokens_per_s(self) -> float | None:
        if not self.decode_s or self.completion_tokens < 2:
            return None
        return (self.completion_tokens - 1) / self.decode_s


@dataclass
class Answer:
    question: str
    text: str
    refused: bool
    sources: list[Source]
    citations: list[Citation]
    standalone_query: str | None = None
    near_misses: list[Hit] = field(default_factory=list)
    removed_citations: int = 0  # citations of numbers that were not given
    unsupported: list[str] = field(default_factory=list)  # sentences dropped by verification
    extractive: bool = False  # text quoted from the evidence because no generated sentence held
    relevance: float | None = None  # evidence strength the refusal decision was made on
    refusal_reason: str | None = None  # one of REFUSAL_REASONS when refused
    model: str | None = None
    timings: Timings = field(default_factory=Timings)

    @property
    def cut_off(self) -> bool:
        """The model's stream broke off: the text is what was verified of what came."""
        return self.timings.cut_off is not None

    def record(self) -> AnswerRecord:
        """The stored form: ids and titles instead of whole papers, figures rounded."""
        t = self.timings
        return AnswerRecord(
            question=self.question,
            answer=self.text,
            refused=self.refused,
            standalone_query=self.standalone_query,
            citations=[CitationRecord(c.ref, c.paper.id, c.paper.title, c.evidence) for c in self.citations],
            sources=[SourceRecord(s.ref, s.paper.id, s.paper.title, round(s.hit.score, 4), s.paper.url,
                                  list(s.evidence)) for s in self.sources],
            near_misses=[NearMiss(h.paper.id, h.paper.title, round(h.score, 4)) for h in self.near_misses],
            removed_citations=self.removed_citations,
            unsupported_sentences=list(self.unsupported),
            extractive=self.extractive,
            relevance=_round(self.relevance, 4),
            refusal_reason=self.refusal_reason,
            model=self.model,
            cut_off=self.cut_off,
            timings=TimingsRecord(round(t.retrieve_s, 3), _round(t.ttft_s, 3), round(t.total_s, 3),
                                  t.prompt_tokens, t.completion_tokens, _round(t.decode_s, 3),
                                  _round(t.tokens_per_s, 2)),
        )

    def to_json(self) -> dict:
        return self.record().to_json()


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)
