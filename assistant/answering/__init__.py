"""Answering: prompts, constrained generation, citations and their verification."""

from assistant.answering.result import REFUSAL, Answer, Citation, Source, Timings

__all__ = ["REFUSAL", "Answer", "Citation", "Source", "Timings"]
