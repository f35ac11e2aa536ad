"""Answering: evidence, prompts, generation, citations, verification and the refusal policy.

It sees the index only through `TermStats` (assistant.text) and retrieved `Hit`s."""

from assistant.answering.record import AnswerRecord, CitationRecord, NearMiss, SourceRecord, TimingsRecord
from assistant.answering.result import REFUSAL, REFUSAL_REASONS, Answer, Citation, Source, Timings

__all__ = [
    "REFUSAL", "REFUSAL_REASONS", "Answer", "AnswerRecord", "Citation", "CitationRecord", "NearMiss", "Source", "SourceRecord",
    "Timings", "TimingsRecord",
]
