"""What an answer is: text, the numbered sources, verified citations, timings."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.corpus import Paper
from assistant.retrieval import Hit

REFUSAL = "The indexed abstracts do not cover this question."


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
    model: str | None = None
    timings: Timings = field(default_factory=Timings)

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "standalone_query": self.standalone_query,
            "answer": self.text,
            "refused": self.refused,
            "citations": [
                {"ref": c.ref, "id": c.paper.id, "title": c.paper.title, "evidence": c.evidence}
                for c in self.citations
            ],
            "sources": [
                {
                    "ref": s.ref,
                    "id": s.paper.id,
                    "title": s.paper.title,
                    "score": round(s.hit.score, 4),
                    "url": s.paper.url,
                    "evidence": s.evidence,
                }
                for s in self.sources
            ],
            "near_misses": [
                {"id": h.paper.id, "title": h.paper.title, "score": round(h.score, 4)}
                for h in self.near_misses
            ],
            "removed_citations": self.removed_citations,
            "unsupported_sentences": self.unsupported,
            "extractive": self.extractive,
            "relevance": None if self.relevance is None else round(self.relevance, 4),
            "model": self.model,
            "timings": {
                "retrieve_s": round(self.timings.retrieve_s, 3),
                "ttft_s": None if self.timings.ttft_s is None else round(self.timings.ttft_s, 3),
                "total_s": round(self.timings.total_s, 3),
                "prompt_tokens": self.timings.prompt_tokens,
                "completion_tokens": self.timings.completion_tokens,
                "decode_s": None if self.timings.decode_s is None else round(self.timings.decode_s, 3),
                "tokens_per_s": None if self.timings.tokens_per_s is None else round(self.timings.tokens_per_s, 2),
            },
        }
