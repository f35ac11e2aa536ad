"""Fit the refusal policy on the tuning questions and write its coefficients as data.

    python eval/fit_refusal.py [QUESTIONS.jsonl ...]     (default: the tuning sets)

For every question the grounded answerer's signals are computed (retrieval and evidence only, no
generation); a logistic regression (L2, features standardised) predicts "answerable". Its L2
strength and decision threshold are chosen by 5-fold cross-validation (repeated with 20
shuffles): for each L2, the threshold with the highest refusal accuracy whose false-refusal rate
stays within MAX_FALSE_REFUSALS (a wrongly refused question loses its whole answer); then the
most regularised L2 within one standard error of the best (see below). The held-out set is never read here.
Writes assistant/answering/refusal_model.json and prints the cross-validated figures.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
# The signals weighed: every one `refusal.signals` computes. Cross-validated refusal accuracy at
# <= 0.05 false refusals on the four tuning sets (20 shuffles): 0.524 with the first nine; 0.576
# adding concept_gain, 0.537 adding unknown_name, 0.606 adding both. (On the first three tuning
# sets alone unknown_name had lowered the score; blind3-tune's paraphrases made the policy lean on
# similarity less, and famous absent work, "Llama 3", "YOLOv8", was then answered without it.)
# A masked-name similarity tried beside them did not help (0.599). (These figures with concept_gain
# measured against the best source; the shipped form, against all the sources, with the L2 picked
# below: 0.603 at 0.049.) The evidence ranker's best sentence probability among the sources, tried
# as a twelfth signal: 0.626 at 0.050 (L2 30), within one standard error, and the ranker was
# fitted on these same answerable questions, so its signal reads them better than new ones: left out.
FEATURES = ("relevance", "top", "separation", "coverage", "ask_coverage", "rare_coverage", "unknown_share",
            "unknown_name", "detail_missing", "named", "concept_gain")
TUNING = ["eval/questions/dev.jsonl", "eval/questions/blind-tune.jsonl", "eval/questions/named-details.jsonl",
          "eval/questions/blind3-tune.jsonl"]


def fit_logistic(X: np.ndarray, y: np.ndarray, l2: float, iters: int = 100) -> np.ndarray:
    """Newton's method (IRLS) with an L2 penalty on the weights, not the intercept."""
    A = np.hstack([X, np.ones((len(X), 1))])
    beta = np.zeros(A.shape[1])
    penalty = np.eye(A.shape[1]) * l2
    penalty[-1, -1] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-A @ beta))
        gradient = A.T @ (y - p) - penalty @ beta
        hessian = A.T @ (A * (p * (1 - p) + 1e-9)[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-9:
            break
    return beta


def probabilities(X: np.ndarray, beta: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(np.hstack([X, np.ones((len(X), 1))]) @ beta)))


MAX_FALSE_REFUSALS = 0.05
L2_GRID = (0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
REPEATS = 20  # shuffles of the 5 folds: with 5, the chosen threshold moved by 0.03 between feature sets


def rates(p: np.ndarray, y: np.ndarray, threshold: float) -> tuple[float, float]:
    """(refusal accuracy, false-refusal rate) at a threshold."""
    refused = p < threshold
    return float(refused[y == 0].mean()), float(refused[y == 1].mean())


def collect(files: list[str]):
    from assistant.evaluation.questions import load_questions
    from assistant.retrieval.followup import parse_history
    from assistant.service import Assistant

    assistant = Assistant()
    assistant.ensure_index()
    rows, labels, ids = [], [], []
    for name in files:
        for q in load_questions(ROOT / name)[0]:
            judged = assistant.assess(q.question, parse_history(q.history))
            rows.append(judged.signals.as_dict())
            labels.append(1.0 if q.answerable else 0.0)
            ids.append(q.id)
    return rows, np.array(labels), ids


def main(files: list[str]) -> None:
    from assistant.answering.refusal import MODEL_FILE, RefusalModel

    rows, y, _ = collect(files)
    features = list(FEATURES)
    X = np.array([[r[f] for f in features] for r in rows])
    mean, scale = X.mean(0), X.std(0) + 1e-9
    Z = (X - mean) / scale
    thresholds = np.round(np.arange(0.05, 0.91, 0.01), 2)
    per_l2 = {}  # L2 strength -> the best (refusal accuracy, false refusals, threshold) within the false-refusal cap
    for l2 in L2_GRID:
        table = np.zeros((len(thresholds), 2))
        for repeat in range(REPEATS):
            folds = np.random.default_rng(repeat).permutation(len(y)) % 5
            p = np.zeros(len(y))
            for k in range(5):
                train = folds != k
                p[~train] = probabilities(Z[~train], fit_logistic(Z[train], y[train], l2))
            table += [rates(p, y, t) for t in thresholds]
        table /= REPEATS
        for t, (accuracy, false_rate) in zip(thresholds, table):
            if false_rate <= MAX_FALSE_REFUSALS and (l2 not in per_l2 or accuracy > per_l2[l2][0]):
                per_l2[l2] = (accuracy, false_rate, t)
    for l2, (accuracy, false_rate, t) in per_l2.items():
        print(f"  L2 {l2:<6} refusal accuracy {accuracy:.3f}, false refusals {false_rate:.3f} at threshold {t}")
    # The one-standard-error rule: the most regularised model whose cross-validated accuracy is
    # within one standard error of the best. Weights fitted on a few hundred questions flip sign
    # between collinear signals (coverage and ask coverage) at weak L2, and such a model moved
    # more verdicts on new questions than its cross-validated score promised. The standard error
    # is the binomial one of the best accuracy over the unanswerable questions (0.047 at 110):
    # wide, so the rule takes the heaviest L2 of the grid, which ends at 100 (weights ~0.1-0.3).
    assert per_l2, f"no threshold keeps false refusals within {MAX_FALSE_REFUSALS}"
    top = max(a for a, _, _ in per_l2.values())
    n_unanswerable = int((y == 0).sum())
    within = top - np.sqrt(top * (1 - top) / n_unanswerable)
    l2 = max(l2 for l2, (a, _, _) in per_l2.items() if a >= within)
    accuracy, false_rate, t = per_l2[l2]
    print(f"{len(y)} tuning questions ({int((y == 0).sum())} unanswerable); chosen L2 {l2}, threshold {t}")
    print(f"cross-validated: refusal accuracy {accuracy:.3f}, false refusals {false_rate:.3f}")
    beta = fit_logistic(Z, y, l2)
    for f, w in zip(features, beta):
        print(f"  {f:<16}{w:+.3f}")
    print(f"  {'intercept':<16}{beta[-1]:+.3f}")
    model = RefusalModel(tuple(features), tuple(np.round(mean, 6)), tuple(np.round(scale, 6)),
                         tuple(np.round(beta[:-1], 6)), float(round(beta[-1], 6)), fitted_on=", ".join(files),
                         threshold=float(t))
    MODEL_FILE.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE}")


if __name__ == "__main__":
    main(sys.argv[1:] or TUNING)
