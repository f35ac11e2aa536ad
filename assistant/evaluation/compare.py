"""Comparing runs: paired deltas with bootstrap CIs, verdict changes, the matrix page.

Deltas are paired by question id: the same questions answered two ways, resampled together,
which gives much tighter intervals than comparing two independent CIs.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np

from assistant.evaluation.metrics import METRICS, Metric
from assistant.evaluation.stats import RESAMPLES, bootstrap_ci


def paired_deltas(a: list[dict], b: list[dict], resamples: int = RESAMPLES, seed: int = 0,
                  names: tuple[str, ...] | None = None) -> dict[str, dict]:
    """Per metric: mean of A and of B over the questions both scored, B - A, its 95% CI."""
    by_id = {r["id"]: r for r in a}
    out: dict[str, dict] = {}
    for metric in METRICS:
        if metric.aggregate == "sum" or (names and metric.name not in names):
            continue
        pairs = [(metric.value(by_id[r["id"]]), metric.value(r)) for r in b if r["id"] in by_id]
        pairs = [(x, y) for x, y in pairs if x is not None and y is not None]
        if not pairs:
            continue
        xs, ys = np.array(pairs, dtype=float).T
        diffs = ys - xs
        out[metric.name] = {"a": float(xs.mean()), "b": float(ys.mean()), "delta": float(diffs.mean()),
                            "ci95": bootstrap_ci(diffs, resamples, seed), "n": len(diffs)}
    return out


def grouped_deltas(a: list[dict], b: list[dict], key: str, names: tuple[str, ...]) -> dict[str, dict]:
    """Paired deltas within each value of `key` ("kind" or "part") of B's records."""
    groups: dict[str, list[dict]] = {}
    for r in b:
        groups.setdefault(r.get(key) or "-", []).append(r)
    return {name: paired_deltas(a, rows, names=names) for name, rows in sorted(groups.items())}


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


def write_matrix(out_dir: Path, runs: list[tuple[str, dict]]) -> Path:
    """One page: a row per configuration, a column per metric, each linked to its own report."""
    metrics: list[Metric] = [m for m in METRICS if m.aggregate == "mean"]
    head = "".join(f"<th>{html.escape(m.label)}</th>" for m in metrics)
    rows = []
    for name, summary in runs:
        o = summary["overall"]
        cells = []
        for metric in metrics:
            stat = o.get(metric.name) or {}
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
