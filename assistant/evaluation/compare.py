"""Comparing runs: paired deltas with bootstrap CIs, verdict changes, the matrix page.

Deltas are paired by question id: the same questions answered two ways, resampled together,
which gives much tighter intervals than comparing two independent CIs.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path

import numpy as np


def _answerable_gold(r: dict) -> bool:
    return bool(r["answerable"] and r["gold"])


PER_QUESTION: dict[str, Callable[[dict], float | None]] = {
    "recall@5": lambda r: r["retrieval"]["recall_at"]["5"] if _answerable_gold(r) else None,
    "mrr": lambda r: r["retrieval"]["mrr"] if _answerable_gold(r) else None,
    "ndcg@10": lambda r: r["retrieval"]["ndcg10"] if _answerable_gold(r) else None,
    "citation_precision": lambda r: r["verdict"].get("citation_precision") if r["answerable"] else None,
    "citation_recall": lambda r: r["verdict"].get("citation_recall") if r["answerable"] else None,
    "fact_recall": lambda r: r["verdict"].get("fact_recall") if r["answerable"] else None,
    "unsupported_sentence_rate": lambda r: r["verdict"].get("unsupported_rate"),
    "refusal_accuracy": lambda r: None if r["answerable"] else float(r["refused"]),
    "false_refusal_rate": lambda r: float(r["refused"]) if r["answerable"] else None,
    "ttft_s": lambda r: r["timings"]["ttft_s"],
    "total_s": lambda r: r["timings"]["total_s"],
}


def paired_deltas(a: list[dict], b: list[dict], resamples: int = 2000, seed: int = 0) -> dict[str, dict]:
    """Per metric: mean of A and of B over the questions both scored, B - A, its 95% CI."""
    by_id = {r["id"]: r for r in a}
    rng = np.random.default_rng(seed)
    out: dict[str, dict] = {}
    for metric, value in PER_QUESTION.items():
        pairs = [(value(by_id[r["id"]]), value(r)) for r in b if r["id"] in by_id]
        pairs = [(x, y) for x, y in pairs if x is not None and y is not None]
        if not pairs:
            continue
        xs, ys = np.array(pairs, dtype=float).T
        diffs = ys - xs
        ci = None
        if len(diffs) > 1:
            means = diffs[rng.integers(0, len(diffs), (resamples, len(diffs)))].mean(axis=1)
            ci = (float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5)))
        out[metric] = {"a": float(xs.mean()), "b": float(ys.mean()), "delta": float(diffs.mean()),
                       "ci95": ci, "n": len(diffs)}
    return out


def verdict_changes(a: list[dict], b: list[dict]) -> list[str]:
    """Questions that flipped: refused or not, facts found or not, citations right or not."""
    by_id = {r["id"]: r for r in a}
    changes = []
    for r in b:
        old = by_id.get(r["id"])
        if old is None:
            continue
        parts = []
        if old["refused"] != r["refused"]:
            parts.append(f"refused {old['refused']}->{r['refused']}")
        for key in ("fact_recall", "citation_precision"):
            x, y = old["verdict"].get(key), r["verdict"].get(key)
            if x != y and (x is not None or y is not None):
                parts.append(f"{key} {_short(x)}->{_short(y)}")
        if parts:
            changes.append(f"{r['id']}: " + ", ".join(parts))
    return changes


def _short(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def write_matrix(out_dir: Path, runs: list[tuple[str, dict]], metrics: list[tuple[str, str]]) -> Path:
    """One page: a row per configuration, a column per metric, each linked to its own report."""
    head = "".join(f"<th>{html.escape(label)}</th>" for _, label in metrics)
    rows = []
    for name, summary in runs:
        o = summary["overall"]
        cells = []
        for key, _ in metrics:
            stat = o.get(key) or {}
            if stat.get("value") is None:
                cells.append("<td>-</td>")
                continue
            ci = stat.get("ci95")
            tip = f' title="95% CI {ci[0]:.3f}-{ci[1]:.3f}"' if ci else ""
            cells.append(f"<td{tip}>{stat['value']:.3f}</td>")
        ttft = o["ttft_s"]["p50"]
        cells.append(f"<td>{'-' if ttft is None else f'{ttft:.2f}'}</td>")
        link = html.escape(f"{name}/report.html")
        rows.append(f'<tr><th><a href="{link}">{html.escape(name)}</a></th>{"".join(cells)}</tr>')
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Evaluation matrix</title>
<style>body{{font:14px system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:right}}th:first-child{{text-align:left}}</style></head>
<body><h1>Evaluation matrix</h1><p>{len(runs)} configurations; hover a value for its 95% CI, click a
configuration for its full report.</p><table><tr><th>configuration</th>{head}<th>TTFT p50 (s)</th></tr>
{"".join(rows)}</table></body></html>"""
    path = out_dir / "matrix.html"
    path.write_text(page, encoding="utf-8")
    return path
