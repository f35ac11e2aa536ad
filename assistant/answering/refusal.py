"""When not to answer, as one policy: signals computed from the retrieved evidence, weighed by a
logistic regression fitted on the tuning questions (`eval/fit_refusal.py` writes its
coefficients to `refusal_model.json`), and the reason a refusal gives.

Signals, each on its own scale:
- relevance: how well the best evidence sentence and the best papers match the question;
- top / separation: the best paper's similarity, and how far it stands from the runner-up;
- coverage: the share of the question's information (IDF mass) the best paper mentions;
- ask coverage: the same without the words that name a paper, so a question that names a
  paper found in the collection but asks for something its abstract never mentions scores low;
- rare coverage: the share of the question's three most specific words that the best source
  mentions (a near-topic question swaps one of them: speech for images, audio for video);
- unknown share: the share of the question's information in words the collection never uses;
- unknown name: the question names a model or system the collection never mentions (answerable
  questions mention outside names too, "a GPT-4o-like assistant", so it is weighed, not a gate;
  it also names the reason);
- detail missing: it asks for a kind of figure or set-up detail no source states (a question
  asking "how many / how much" needs a figure in the source);
- named: the question names a paper the collection holds;
- concept gain: how much closer the question comes to its sources' sentences when one of the
  words none of them uses is left out. A missing detail ("which optimizer does X use", "which
  hospital data does X evaluate on") or a near topic carries a concept the sources lack, and
  dropping it brings the rest closer; a paraphrase's own words mean what the
  source says, and dropping one moves it little or further away. Lexical coverage cannot tell
  these apart (both miss the source's words); the embedder can. Added when the third tuning set
  (`blind3-tune.jsonl`, the sorts the tuning part had too few of) showed the old signals refusing
  half its paraphrases (`eval/fit_refusal.py` gives the cross-validated figures).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from assistant.answering.entities import unknown_names
from assistant.answering.evidence import PaperEvidence, figure_kinds, states_figure, wants_figures
from assistant.answering.logistic import Logistic
from assistant.models import Embedder
from assistant.retrieval import Hit
from assistant.retrieval.names import paper_names
from assistant.text import TermStats, term_coverage, tokenize

MODEL_FILE = Path(__file__).with_name("refusal_model.json")
W_EVIDENCE, W_COVERAGE = 0.6, 0.4  # relevance: best sentence match, and coverage of the top papers
RARE_TERMS = 3
_ANY_FIGURE = re.compile(r"(?<![\w/.])\d")
_WORD = re.compile(r"\w+(?:[.\-]\w+)*")  # a word as `tokenize` reads it: "Llama-3.1" is one


@dataclass
class Signals:
    relevance: float
    top: float
    separation: float
    coverage: float
    ask_coverage: float
    rare_coverage: float
    unknown_share: float
    unknown_name: float
    detail_missing: float
    named: float
    concept_gain: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def relevance(question: str, evidence: list[PaperEvidence], terms: TermStats) -> float:
    if not evidence:
        return 0.0
    best = max(e.best for e in evidence)
    return W_EVIDENCE * best + W_COVERAGE * _coverage(tokenize(question), evidence[:3], terms)


def _coverage(q_terms: list[str], evidence: list[PaperEvidence], terms: TermStats) -> float:
    return max((term_coverage(q_terms, set(tokenize(f"{e.hit.paper.title} {e.hit.paper.abstract}")), terms)
                for e in evidence), default=0.0)


def concept_gain(query: str, sources: list[PaperEvidence], embedder: Embedder, terms: TermStats) -> float:
    """The most the query's best-sentence similarity to `sources` rises when one of its (up to
    RARE_TERMS rarest) words that none of them uses is left out; 0 when they use them all. All the
    sources, not the best one: a comparison names its second paper in words the first never uses
    (measured against the best source alone, tuning compare questions were refused 0.00 -> 0.07)."""
    sentences = [s for e in sources for s in e.sentences]
    if not sentences:
        return 0.0
    used = {t for e in sources for t in tokenize(f"{e.hit.paper.title} {e.hit.paper.abstract}")}
    rarity: dict[str, float] = {}
    for word in _WORD.findall(query):
        forms = tokenize(word)
        # A hyphenated word counts as used when any of its parts is ("text-to-speech" beside a
        # source's "text"): counting it missing unless all were lowered the tuning sets'
        # cross-validated refusal accuracy (0.603 -> 0.574), as did its joined form alone.
        if forms and not any(f in used for f in forms):
            rarity[word.casefold()] = max(terms.term_idf(f) for f in forms)
    missing = sorted(rarity, key=lambda w: (-rarity[w], w))[:RARE_TERMS]
    if not missing:
        return 0.0
    without = [re.sub(rf"(?<![\w.\-]){re.escape(w)}(?![\w\-]|\.\w)", "", query, flags=re.I) for w in missing]
    encoded = np.asarray(embedder.encode([query, *without]))
    matches = (np.array([s.vector for s in sentences]) @ encoded.T).max(axis=0)
    return float(matches[1:].max() - matches[0])


def signals(question: str, query: str, hits: list[Hit], evidence: list[PaperEvidence], sources: list[PaperEvidence],
            terms: TermStats, embedder: Embedder | None = None) -> Signals:
    """`question` as asked (names are judged on it), `query` the standalone search, `sources` the
    papers the answer would draw on; `embedder` (the one that embedded the sentences) for the
    concept gain, which is 0 without it."""
    q_terms = tokenize(query)
    scores = sorted((h.score for h in hits), reverse=True) + [0.0, 0.0]
    named = [e for e in sources if e.hit.named]
    name_terms = {t for e in named for name in paper_names(e.hit.paper) for t in tokenize(name)}
    ask = [t for t in q_terms if t not in name_terms]
    unseen = sum(terms.term_idf(t) for t in set(q_terms) if not terms.known(t))
    total = sum(terms.term_idf(t) for t in set(q_terms)) or 1.0
    # A named kind of figure ("how many parameters") needs that kind; any other "how many" needs
    # some figure outside a link (a repository URL's digits are not an answer).
    kinds = figure_kinds(query) or ([_ANY_FIGURE] if wants_figures(query) else [])
    missing = bool(kinds) and not any(states_figure(kinds, f"{e.hit.paper.title}. {e.hit.paper.abstract}")
                                      for e in sources)
    rare = sorted((t for t in set(q_terms) if terms.known(t)), key=terms.term_idf, reverse=True)[:RARE_TERMS]
    return Signals(
        relevance=relevance(query, evidence, terms),
        top=scores[0],
        separation=scores[0] - scores[1],
        coverage=_coverage(q_terms, evidence[:3], terms),
        ask_coverage=_coverage(ask, named or sources[:1], terms) if ask else 1.0,
        rare_coverage=_coverage(rare, sources[:1], terms) if rare else 1.0,
        unknown_share=unseen / total,
        unknown_name=float(bool(unknown_names(question, terms))),
        detail_missing=float(missing),
        named=float(bool(named)),
        concept_gain=concept_gain(query, sources, embedder, terms) if embedder is not None else 0.0,
    )


@dataclass(frozen=True)
class RefusalModel(Logistic):
    """P(answerable) from the signals; refuse below `threshold`."""

    threshold: float = field(default=0.5, kw_only=True)  # by name: it comes after Logistic's fields

    def probability(self, s: Signals) -> float:
        return super().probability(s.as_dict())


@cache
def default_model() -> RefusalModel:
    return RefusalModel.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


@dataclass
class Decision:
    refuse: bool
    reason: str | None  # one of answering.result.REFUSAL_REASONS when refused
    probability: float


def decide(s: Signals, model: RefusalModel | None = None) -> Decision:
    model = model or default_model()
    p = model.probability(s)
    if s.detail_missing:
        # Not fitted: an answer to "how many parameters" needs a figure of that kind, and none of
        # the sources states one, so any figure the model gave would be invented. On the tuning
        # sets nearly every question with this signal is unanswerable (28 of 30).
        return Decision(True, "not-stated", p)
    if p >= model.threshold:
        return Decision(False, None, p)
    if s.unknown_name:
        return Decision(True, "unknown-name", p)
    if s.named or s.detail_missing:
        # The paper is here (the question names it, or asks it for a kind of detail): what is
        # asked of it is not in its abstract. The paper itself may say.
        return Decision(True, "not-stated", p)
    return Decision(True, "not-in-collection", p)
