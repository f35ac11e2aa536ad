"""Fit the evidence ranker on the tuning questions and write its coefficients as data.

    python eval/fit_evidence.py [QUESTIONS.jsonl ...]     (default: the tuning sets)

For every answerable tuning question with facts, the grounded answerer's sources are computed
(retrieval and evidence only, no generation). Each sentence of each source is an example: its
features (`evidence.sentence_features`) and whether it holds one of the question's facts. A
logistic regression (L2, features standardised) predicts that. Its L2 strength is chosen by
5-fold cross-validation over questions (5 shuffles), scored by what matters: the share of the
facts the answer's quotes hold, chosen by the real `plan_quotes` with the cross-validated
probabilities as scores. The held-out sets are never read here.
Writes assistant/answering/evidence_model.json and prints the cross-validated figures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fit_refusal import TUNING, fit_logistic, probabilities  # noqa: E402

L2_GRID = (1.0, 10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0)
REPEATS = 5


def collect(files: list[str]):
    """One entry per question: (kind, facts, gold titles, several, sources)."""
    from assistant.evaluation.questions import load_questions
    from assistant.retrieval.followup import parse_history
    from assistant.service import Assistant

    assistant = Assistant()
    assistant.ensure_index()
    questions = []
    for name in files:
        for q in load_questions(Path(name))[0]:
            if q.answerable and q.facts:
                judged = assistant.assess(q.question, parse_history(q.history))
                if judged.sources:
                    questions.append((q.kind, q.facts, q.gold, judged.several, judged.sources))
    return questions


def quoted_facts(questions, scores: np.ndarray | None) -> tuple[float, float, float, dict[str, float]]:
    """(share of facts the quotes hold, median words quoted, share of quoted papers that are gold,
    fact share by kind) with `scores` (one per source sentence, in collection order) as the
    sentences' scores; None: their match."""
    from assistant.answering.evidence import plan_quotes
    from assistant.evaluation.metrics import fact_found, is_gold

    values = iter(scores) if scores is not None else None
    recall, words, gold_share, kinds = [], [], [], {}
    for kind, facts, gold, several, sources in questions:
        for e in sources:
            for s in e.sentences:
                s.score = float(next(values)) if values is not None else s.match
        plan = [(e, quoted) for e, _, quoted in plan_quotes(sources, several) if quoted]
        text = " ".join(s.text for _, quoted in plan for s in quoted)
        share = sum(fact_found(f, text) for f in facts) / len(facts)
        recall.append(share)
        words.append(len(text.split()))
        if gold:
            gold_share += [is_gold(e.hit.paper.id, e.hit.paper.title, gold) for e, _ in plan]
        kinds.setdefault(kind, []).append(share)
    return (float(np.mean(recall)), float(np.median(words)), float(np.mean(gold_share)),
            {k: round(float(np.mean(v)), 3) for k, v in sorted(kinds.items())})


def main(files: list[str]) -> None:
    from assistant.answering.evidence import RANKER_FILE
    from assistant.answering.logistic import Logistic
    from assistant.evaluation.metrics import fact_found

    questions = collect(files)
    rows, labels, group = [], [], []
    for number, (_, facts, _, _, sources) in enumerate(questions):
        for e in sources:
            for s in e.sentences:
                rows.append(s.features)
                labels.append(1.0 if any(fact_found(f, s.text) for f in facts) else 0.0)
                group.append(number)
    features = list(rows[0])
    X = np.array([[r[f] for f in features] for r in rows])
    y, group = np.array(labels), np.array(group)
    mean, scale = X.mean(0), X.std(0) + 1e-9
    Z = (X - mean) / scale
    print(f"{len(questions)} tuning questions, {len(y)} source sentences ({int(y.sum())} hold a fact)")
    base, words, gold, kinds = quoted_facts(questions, None)
    print(f"ranked by match: quotes hold {base:.3f} of the facts at {words:.0f} words p50, "
          f"gold share of quoted papers {gold:.3f}  {kinds}")
    scores = {}
    for l2 in L2_GRID:
        runs = []
        for repeat in range(REPEATS):
            folds = (np.random.default_rng(repeat).permutation(len(questions)) % 5)[group]
            p = np.zeros(len(y))
            for k in range(5):
                train = folds != k
                p[~train] = probabilities(Z[~train], fit_logistic(Z[train], y[train], l2))
            runs.append(quoted_facts(questions, p))
        scores[l2] = float(np.mean([r[0] for r in runs]))
        print(f"  L2 {l2:<6} cross-validated: quotes hold {scores[l2]:.3f} ± {np.std([r[0] for r in runs]):.3f} "
              f"of the facts at {np.mean([r[1] for r in runs]):.0f} words p50, gold share "
              f"{np.mean([r[2] for r in runs]):.3f}  {runs[0][3]}")
    # The most regularised L2 within 0.005 of the best: the grid's scores differ by less than
    # the shuffles' spread, and heavier weights move less on new questions.
    best = max(scores.values())
    l2 = max(l2 for l2, score in scores.items() if score >= best - 0.005)
    beta = fit_logistic(Z, y, l2)
    print(f"chosen L2 {l2}")
    for f, w in zip(features, beta):
        print(f"  {f:<16}{w:+.3f}")
    print(f"  {'intercept':<16}{beta[-1]:+.3f}")
    model = Logistic(tuple(features), tuple(np.round(mean, 6)), tuple(np.round(scale, 6)),
                     tuple(np.round(beta[:-1], 6)), float(round(beta[-1], 6)), fitted_on=", ".join(files))
    RANKER_FILE.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RANKER_FILE}")


if __name__ == "__main__":
    main(sys.argv[1:] or TUNING)
