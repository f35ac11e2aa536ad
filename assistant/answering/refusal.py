"""When not to answer: the evidence is too weak, the question names something the collection
never mentions, or it asks for a kind of detail none of its sources states.

Thresholds were swept on eval/questions/dev.jsonl with eval/calibrate.py.
"""

from __future__ import annotations

from assistant.answering.entities import unknown_names
from assistant.answering.evidence import PaperEvidence, figure_kinds, states_figure
from assistant.retrieval import Hit
from assistant.text import TermStats, term_coverage, tokenize

# Relevance = best evidence sentence score mixed with how much of the question's information
# the top papers mention.
REFUSE_BELOW = 0.34
W_EVIDENCE, W_COVERAGE = 0.6, 0.4
# A paraphrase shares few words with its abstract, so its relevance can fall under the
# threshold; but when one paper is much closer to the question than any other (dev set: 0.16 or
# more for such paraphrases, at most 0.07 for unanswerable questions), the question is about it.
STANDS_APART, STANDS_APART_MIN = 0.12, 0.4


def relevance(question: str, evidence: list[PaperEvidence], terms: TermStats) -> float:
    if not evidence:
        return 0.0
    best = max(e.best for e in evidence)
    q_terms = tokenize(question)
    coverage = max(
        term_coverage(q_terms, set(tokenize(e.hit.paper.title + " " + e.hit.paper.abstract)), terms)
        for e in evidence[:3]
    )
    return W_EVIDENCE * best + W_COVERAGE * coverage


def stands_apart(hits: list[Hit]) -> bool:
    scores = sorted((h.score for h in hits), reverse=True)
    return len(scores) > 1 and scores[0] >= STANDS_APART_MIN and scores[0] - scores[1] >= STANDS_APART


def too_weak(question: str, relevance_score: float, hits: list[Hit], terms: TermStats) -> bool:
    """Refuse before choosing sources: weak evidence (unless one paper stands apart), or a name
    the corpus has never seen."""
    return (relevance_score < REFUSE_BELOW and not stands_apart(hits)) or bool(unknown_names(question, terms))


def detail_missing(query: str, sources: list[PaperEvidence]) -> bool:
    """"How many parameters does X have?" when X's abstract states no such figure."""
    kinds = figure_kinds(query)
    return bool(kinds) and not any(states_figure(kinds, f"{e.hit.paper.title}. {e.hit.paper.abstract}")
                                   for e in sources)
