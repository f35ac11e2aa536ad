"""Does the cited abstract support the sentence? MiniLM similarity plus lexical overlap.

No NLI or cross-encoder weights ship offline, so support is judged by what is here: the best
matching sentence of the cited abstract, semantically and by shared content words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.answering.evidence import PaperEvidence
from assistant.text import tokenize

W_COSINE, W_OVERLAP = 0.6, 0.4
SUPPORT_THRESHOLD = 0.55  # calibrated on eval/questions/dev.jsonl


@dataclass
class Support:
    ref: int
    score: float
    evidence: str  # the abstract sentence that supports the claim best


def overlap(claim_terms: set[str], text_terms: set[str]) -> float:
    return len(claim_terms & text_terms) / len(claim_terms) if claim_terms else 0.0


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def unsupported_numbers(claim: str, source_text: str) -> set[str]:
    """Figures in the claim that the cited abstract never states: the commonest small-model
    hallucination ("a speedup of 30%") and one similarity scores cannot see."""
    stated = set(_NUMBER.findall(source_text))
    return {n for n in _NUMBER.findall(claim) if n not in stated and not (len(n) == 1 and n in "123")}


# A small model's favourite false claim is a denial ("X does not propose a schedule"): it is
# close to the sentence it denies by every similarity. A denial needs a negative in the
# evidence too ("without fine-tuning" supports "needs no fine-tuning").
_DENIAL = re.compile(r"\b(not|no|never|cannot|none|neither|nor)\b|n't\b", re.I)
_NEGATIVE = re.compile(r"\b(not|no|never|cannot|none|neither|nor|without|free|lacks?|fails?|unable)\b|n't\b|-free\b",
                       re.I)


def support(claim: str, claim_vector: np.ndarray, ref: int, source: PaperEvidence) -> Support:
    if unsupported_numbers(claim, source.hit.paper.title + " " + source.hit.paper.abstract):
        return Support(ref, 0.0, "")
    claim_terms = set(tokenize(claim))
    abstract_terms = set(tokenize(source.hit.paper.abstract)) | set(tokenize(source.hit.paper.title))
    paper_overlap = overlap(claim_terms, abstract_terms)
    best, best_text = -1.0, ""
    for sentence in source.sentences:
        cos = float(np.dot(sentence.vector, claim_vector))
        local = overlap(claim_terms, set(tokenize(sentence.text)))
        score = W_COSINE * cos + W_OVERLAP * max(local, paper_overlap * 0.8)
        if score > best:
            best, best_text = score, sentence.text
    if _DENIAL.search(claim) and not _NEGATIVE.search(best_text):
        return Support(ref, 0.0, "")
    return Support(ref, best, best_text)
