"""Per-question verdicts, and the one registry of metrics: name, label, per-question value and
how it aggregates. The summary, `eval compare`, the HTML report and the CLI table all read it."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.answering import citations as cite
from assistant.answering.compose import quoted
from assistant.answering.record import AnswerRecord
from assistant.corpus import normalise_title
from assistant.evaluation.stats import bootstrap_ci, quantiles

# ------------------------------------------------------------------ verdicts


def _fact_form(s: str) -> str:
    """Case, spacing and the ways of writing a factor folded: "7.7×", "7.7 times" and "7.7x" are one."""
    s = re.sub(r"\s+", " ", s.casefold().replace("×", "x").replace("times", "x"))
    return re.sub(r"(\d) x\b", r"\1x", s)


def fact_found(fact: str, text: str) -> bool:
    return _fact_form(fact) in _fact_form(text)


def is_gold(paper_id: str, title: str, gold: list[str]) -> bool:
    keys = {normalise_title(g) for g in gold} | set(gold)
    return paper_id in keys or normalise_title(title) in keys


def quotes(answer: str, evidence: str) -> bool:
    """Whether the answer already quotes this evidence sentence. Answers quote a sentence without
    its final full stop and with its double quotes made single (`compose.quoted`; the extractive
    baseline also drops the stop), so a plain substring test missed nearly every quote and counted
    its words twice (194 of 212 citations in the v7 tuning run: 114 words read at the median, not 81)."""
    return evidence in answer or quoted(evidence)[1:-1] in answer


def retrieval_verdicts(ranked: list[dict], gold: list[str]) -> dict:
    hits = [is_gold(p["id"], p["title"], gold) for p in ranked]
    first = next((i for i, h in enumerate(hits) if h), None)
    dcg = sum(1 / math.log2(i + 2) for i, h in enumerate(hits[:10]) if h)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(gold), 10)))
    return {
        "recall_at": {k: sum(hits[:k]) / len(gold) for k in range(1, 11)},
        "mrr": 0.0 if first is None else 1 / (first + 1),
        "ndcg10": dcg / ideal if ideal else 0.0,
    }


def answer_verdicts(answer: AnswerRecord, question) -> dict:
    source_ids = {s.id for s in answer.sources}
    cited = answer.citations
    verdict = {
        "refused": answer.refused,
        "cited_unretrieved": sum(1 for c in cited if c.id not in source_ids),
        "unsupported_rate": None,
    }
    kept = cite.count_citations(answer.answer)
    dropped = len(answer.unsupported_sentences)
    if kept + dropped:
        verdict["unsupported_rate"] = dropped / (kept + dropped)
    if question.answerable:
        gold_cited = [c for c in cited if is_gold(c.id, c.title, question.gold)]
        # Without gold papers (probes of named papers) precision has nothing to be measured against.
        verdict["citation_precision"] = len(gold_cited) / len(cited) if cited and question.gold else None
        verdict["citation_recall"] = (
            len({normalise_title(c.title) for c in gold_cited}) / len(question.gold) if question.gold else None
        )
        quoted = [c.evidence for c in cited if c.evidence and not quotes(answer.answer, c.evidence)]
        text = answer.answer + " " + " ".join(quoted)
        found = [fact_found(f, text) for f in question.facts]
        # What a reader reads: the answer and the cited evidence it does not already quote.
        verdict["answer_words"] = None if answer.refused else len(text.split())
        verdict["fact_recall"] = sum(found) / len(found) if found else None
        verdict["all_facts"] = all(found) if found else None
    return verdict


# ------------------------------------------------------------------ the registry


def _gold(r: dict) -> bool:
    return bool(r["answerable"] and r["gold"])


@dataclass(frozen=True)
class Metric:
    name: str
    label: str
    value: Callable[[dict], float | None]  # from one results.jsonl record; None: not scored
    aggregate: Literal["mean", "quantiles", "sum"] = "mean"
    higher_is_better: bool | None = True


METRICS: list[Metric] = [
    Metric("recall@5", "Retrieval recall@5", lambda r: r["retrieval"]["recall_at"]["5"] if _gold(r) else None),
    Metric("mrr", "MRR", lambda r: r["retrieval"]["mrr"] if _gold(r) else None),
    Metric("ndcg@10", "nDCG@10", lambda r: r["retrieval"]["ndcg10"] if _gold(r) else None),
    Metric("citation_precision", "Citation precision",
           lambda r: r["verdict"].get("citation_precision") if _gold(r) else None),
    Metric("citation_recall", "Citation recall",
           lambda r: r["verdict"].get("citation_recall") if r["answerable"] else None),
    Metric("fact_recall", "Fact recall", lambda r: r["verdict"].get("fact_recall") if r["answerable"] else None),
    Metric("unsupported_sentence_rate", "Unsupported-sentence rate", lambda r: r["verdict"].get("unsupported_rate"),
           higher_is_better=False),
    Metric("refusal_accuracy", "Refusal accuracy (unanswerable)",
           lambda r: None if r["answerable"] else float(r["refused"])),
    Metric("false_refusal_rate", "False refusals (answerable)",
           lambda r: float(r["refused"]) if r["answerable"] else None, higher_is_better=False),
    Metric("tokens_per_s", "Generation tokens/s", lambda r: r["timings"].get("tokens_per_s")),
    Metric("answer_words", "Words read (answer + cited evidence)",
           lambda r: r["verdict"].get("answer_words") if r["answerable"] else None, "quantiles", False),
    Metric("ttft_s", "Time to first token (s)", lambda r: r["timings"]["ttft_s"], "quantiles", False),
    Metric("total_s", "Total time (s)", lambda r: r["timings"]["total_s"], "quantiles", False),
    Metric("cited_unretrieved", "Citations of papers not retrieved", lambda r: r["verdict"].get("cited_unretrieved"),
           "sum", False),
]
BY_NAME = {m.name: m for m in METRICS}


def _values(metric: Metric, rows: list[dict]) -> list[float]:
    return [v for v in (metric.value(r) for r in rows) if v is not None]


def aggregate(metric: Metric, rows: list[dict]):
    values = _values(metric, rows)
    if metric.aggregate == "sum":
        return int(sum(values))
    if metric.aggregate == "quantiles":
        return quantiles(values)
    if not values:
        return {"value": None, "ci95": None, "n": 0}
    return {"value": float(np.mean(values)), "ci95": bootstrap_ci(values, resamples=1000), "n": len(values)}


def summarise(records: list[dict]) -> dict:
    """Every metric overall and per kind. Records are results.jsonl entries."""

    def collect(rows: list[dict]) -> dict:
        out: dict = {"questions": len(rows)}
        out.update({m.name: aggregate(m, rows) for m in METRICS})
        curve = defaultdict(list)
        for r in rows:
            if _gold(r):
                for k, value in r["retrieval"]["recall_at"].items():
                    curve[int(k)].append(value)
        out["recall_curve"] = {k: float(np.mean(vals)) for k, vals in sorted(curve.items())}
        return out

    by_kind, by_part = defaultdict(list), defaultdict(list)
    for r in records:
        by_kind[r["kind"]].append(r)
        by_part[r.get("part") or "all"].append(r)
    summary = {"overall": collect(records), "by_kind": {k: collect(v) for k, v in sorted(by_kind.items())}}
    if len(by_part) > 1:
        summary["by_part"] = {p: collect(v) for p, v in sorted(by_part.items())}
    return summary
