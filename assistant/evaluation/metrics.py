"""Per-question verdicts and aggregate metrics with bootstrap confidence intervals."""

from __future__ import annotations

import math
import re
from collections import defaultdict

import numpy as np

from assistant.corpus import normalise_title


def fact_found(fact: str, text: str) -> bool:
    norm = lambda s: re.sub(r"\s+", " ", s.casefold().replace("×", "x").replace("times", "x"))  # noqa: E731
    return norm(fact) in norm(text)


def is_gold(paper: dict, gold: list[str]) -> bool:
    keys = {normalise_title(g) for g in gold} | set(gold)
    return paper["id"] in keys or normalise_title(paper["title"]) in keys


def retrieval_verdicts(ranked: list[dict], gold: list[str]) -> dict:
    hits = [is_gold(p, gold) for p in ranked]
    first = next((i for i, h in enumerate(hits) if h), None)
    dcg = sum(1 / math.log2(i + 2) for i, h in enumerate(hits[:10]) if h)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(gold), 10)))
    return {
        "recall_at": {k: sum(hits[:k]) / len(gold) for k in range(1, 11)},
        "mrr": 0.0 if first is None else 1 / (first + 1),
        "ndcg10": dcg / ideal if ideal else 0.0,
    }


def answer_verdicts(answer: dict, question) -> dict:
    source_ids = {s["id"] for s in answer["sources"]}
    cited = answer["citations"]
    verdict = {
        "refused": answer["refused"],
        "cited_unretrieved": sum(1 for c in cited if c["id"] not in source_ids),
        "unsupported_rate": None,
    }
    kept = len(re.findall(r"\[\d+\]", answer["answer"]))
    dropped = len(answer.get("unsupported_sentences", []))
    if kept + dropped:
        verdict["unsupported_rate"] = dropped / (kept + dropped)
    if question.answerable:
        gold_cited = [c for c in cited if is_gold(c, question.gold)]
        verdict["citation_precision"] = len(gold_cited) / len(cited) if cited else None
        verdict["citation_recall"] = (
            len({normalise_title(c["title"]) for c in gold_cited}) / len(question.gold) if question.gold else None
        )
        text = answer["answer"] + " " + " ".join(c.get("evidence") or "" for c in cited)
        found = [fact_found(f, text) for f in question.facts]
        verdict["fact_recall"] = sum(found) / len(found) if found else None
        verdict["all_facts"] = all(found) if found else None
    return verdict


def bootstrap_ci(values: list[float], resamples: int = 1000, seed: int = 0) -> tuple[float, float] | None:
    if len(values) < 2:
        return None
    rng = np.random.default_rng(seed)
    data = np.asarray(values, dtype=float)
    means = data[rng.integers(0, len(data), (resamples, len(data)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def _stat(values: list[float]) -> dict:
    if not values:
        return {"value": None, "ci95": None, "n": 0}
    return {"value": float(np.mean(values)), "ci95": bootstrap_ci(values), "n": len(values)}


def _quantiles(values: list[float]) -> dict:
    if not values:
        return {"p50": None, "p95": None, "n": 0}
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)), "n": len(values)}


def summarise(records: list[dict]) -> dict:
    """Metrics overall and per kind. Records are results.jsonl entries."""
    def collect(rows: list[dict]) -> dict:
        answerable = [r for r in rows if r["answerable"]]
        unanswerable = [r for r in rows if not r["answerable"]]
        v = lambda r, key: r["verdict"].get(key)  # noqa: E731
        with_gold = [r for r in answerable if r["gold"]]
        out = {
            "questions": len(rows),
            "recall@5": _stat([r["retrieval"]["recall_at"]["5"] for r in with_gold]),
            "mrr": _stat([r["retrieval"]["mrr"] for r in with_gold]),
            "ndcg@10": _stat([r["retrieval"]["ndcg10"] for r in with_gold]),
            "citation_precision": _stat([v(r, "citation_precision") for r in answerable if v(r, "citation_precision") is not None]),
            "citation_recall": _stat([v(r, "citation_recall") for r in answerable if v(r, "citation_recall") is not None]),
            "fact_recall": _stat([v(r, "fact_recall") for r in answerable if v(r, "fact_recall") is not None]),
            "unsupported_sentence_rate": _stat([v(r, "unsupported_rate") for r in rows if v(r, "unsupported_rate") is not None]),
            "refusal_accuracy": _stat([1.0 if v(r, "refused") else 0.0 for r in unanswerable]),
            "false_refusal_rate": _stat([1.0 if v(r, "refused") else 0.0 for r in answerable]),
            "cited_unretrieved": sum(v(r, "cited_unretrieved") for r in rows),
            "ttft_s": _quantiles([r["timings"]["ttft_s"] for r in rows if r["timings"]["ttft_s"] is not None]),
            "total_s": _quantiles([r["timings"]["total_s"] for r in rows]),
            "tokens_per_s": _stat([
                r["timings"]["tokens_per_s"] for r in rows if r["timings"].get("tokens_per_s") is not None
            ]),
        }
        curve = defaultdict(list)
        for r in with_gold:
            for k, value in r["retrieval"]["recall_at"].items():
                curve[int(k)].append(value)
        out["recall_curve"] = {k: float(np.mean(vals)) for k, vals in sorted(curve.items())}
        return out

    by_kind = defaultdict(list)
    for r in records:
        by_kind[r["kind"]].append(r)
    return {"overall": collect(records), "by_kind": {k: collect(v) for k, v in sorted(by_kind.items())}}
