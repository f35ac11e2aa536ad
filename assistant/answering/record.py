"""The stored form of an answer: what `--json` prints, chats keep, the chat UI shows, exports
and evaluation read. Written with `to_json`, read back with `from_json` (older chats' answers
too: a missing field takes its default), and read by attribute everywhere else.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


@dataclass
class CitationRecord:
    ref: int
    id: str
    title: str
    evidence: str | None = None  # the abstract sentence that supports the citing sentence


@dataclass
class SourceRecord:
    ref: int
    id: str
    title: str
    score: float
    url: str | None = None
    evidence: list[str] = field(default_factory=list)  # what the model was shown


@dataclass
class NearMiss:
    id: str
    title: str
    score: float


@dataclass
class TimingsRecord:
    retrieve_s: float = 0.0
    ttft_s: float | None = None
    total_s: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    decode_s: float | None = None
    tokens_per_s: float | None = None


def _build(cls, data: Any):
    """A record from a JSON object, ignoring fields it does not know (a newer writer's)."""
    if not isinstance(data, dict):
        return cls() if cls is TimingsRecord else None
    names = {f.name for f in fields(cls)}
    try:
        return cls(**{k: v for k, v in data.items() if k in names})
    except TypeError:  # a required field missing: the item is dropped, not the answer
        return cls() if cls is TimingsRecord else None


@dataclass
class AnswerRecord:
    question: str
    answer: str  # the checked text, citing sources as [n]
    refused: bool = False
    standalone_query: str | None = None
    citations: list[CitationRecord] = field(default_factory=list)
    sources: list[SourceRecord] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    removed_citations: int = 0
    unsupported_sentences: list[str] = field(default_factory=list)
    extractive: bool = False
    relevance: float | None = None
    refusal_reason: str | None = None  # "not-in-collection", "unknown-name" or "not-stated"
    model: str | None = None
    cut_off: bool = False  # the model's stream broke off; the answer is what was verified of it
    timings: TimingsRecord = field(default_factory=TimingsRecord)

    def citation(self, ref: int) -> CitationRecord | None:
        return next((c for c in self.citations if c.ref == ref), None)

    def source(self, ref: int) -> SourceRecord | None:
        return next((s for s in self.sources if s.ref == ref), None)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> AnswerRecord:
        def many(kind, key):
            return [r for r in (_build(kind, item) for item in data.get(key) or []) if r is not None]

        return cls(
            question=str(data.get("question", "")),
            answer=str(data.get("answer", "")),
            refused=bool(data.get("refused", False)),
            standalone_query=data.get("standalone_query"),
            citations=many(CitationRecord, "citations"),
            sources=many(SourceRecord, "sources"),
            near_misses=many(NearMiss, "near_misses"),
            removed_citations=int(data.get("removed_citations") or 0),
            unsupported_sentences=list(data.get("unsupported_sentences") or []),
            extractive=bool(data.get("extractive", False)),
            relevance=data.get("relevance"),
            refusal_reason=data.get("refusal_reason"),
            model=data.get("model"),
            cut_off=bool(data.get("cut_off", False)),
            timings=_build(TimingsRecord, data.get("timings")),
        )
