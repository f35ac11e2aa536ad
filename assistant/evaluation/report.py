"""report.html: one self-contained page (inline CSS and SVG, no scripts fetched) per run."""

from __future__ import annotations

import html
from pathlib import Path

from assistant.evaluation.metrics import METRICS

e = html.escape


def _fmt(stat: dict) -> tuple[str, str]:
    if stat.get("value") is None:
        return "–", ""
    ci = stat.get("ci95")
    return f"{stat['value']:.3f}", (f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _bars(by_kind: dict, key: str, title: str) -> str:
    rows = [(k, v[key]["value"]) for k, v in by_kind.items() if v[key]["value"] is not None]
    if not rows:
        return ""
    height = 24 * len(rows) + 30
    parts = [f'<svg width="460" height="{height}" role="img" aria-label="{e(title)}">',
             f'<text x="0" y="14" class="t">{e(title)}</text>']
    for i, (kind, value) in enumerate(rows):
        y = 24 + 24 * i
        parts.append(f'<text x="0" y="{y + 14}">{e(kind)}</text>'
                     f'<rect x="110" y="{y}" width="{300 * value:.1f}" height="18" class="bar"/>'
                     f'<text x="{115 + 300 * value:.1f}" y="{y + 14}">{value:.2f}</text>')
    return "".join(parts) + "</svg>"


def _curve(curve: dict) -> str:
    if not curve:
        return ""
    points = " ".join(f"{40 + 40 * (int(k) - 1)},{190 - 160 * v:.1f}" for k, v in curve.items())
    ticks = "".join(f'<text x="{36 + 40 * (int(k) - 1)}" y="208">{k}</text>' for k in curve)
    return (f'<svg width="460" height="215" role="img" aria-label="recall at k">'
            f'<text x="0" y="14" class="t">Recall@k (answerable)</text>'
            f'<line x1="40" y1="190" x2="400" y2="190" class="axis"/><line x1="40" y1="30" x2="40" y2="190" class="axis"/>'
            f'<text x="5" y="34">1.0</text><text x="5" y="194">0.0</text>'
            f'<polyline points="{points}" class="line"/>{ticks}</svg>')


def _latency(records: list[dict]) -> str:
    values = sorted(r["timings"]["ttft_s"] for r in records if r["timings"]["ttft_s"] is not None)
    if not values:
        return ""
    top = max(values) or 1.0
    bins = [0] * 10
    for v in values:
        bins[min(9, int(10 * v / top))] += 1
    peak = max(bins)
    bars = "".join(
        f'<rect x="{40 + 36 * i}" y="{190 - 150 * n / peak:.1f}" width="32" height="{150 * n / peak:.1f}" class="bar"/>'
        for i, n in enumerate(bins)
    )
    return (f'<svg width="460" height="215" role="img" aria-label="time to first token">'
            f'<text x="0" y="14" class="t">Time to first token (s), {len(values)} answers</text>{bars}'
            f'<line x1="40" y1="190" x2="400" y2="190" class="axis"/>'
            f'<text x="40" y="208">0</text><text x="380" y="208">{top:.1f}</text></svg>')


def _failures(records: list[dict]) -> str:
    items = []
    for r in records:
        v = r["verdict"]
        reasons = []
        if r["answerable"] and v.get("refused"):
            reasons.append("refused an answerable question")
        if not r["answerable"] and not v.get("refused"):
            reasons.append("answered an unanswerable question")
        if r["answerable"] and r["retrieval"].get("mrr") == 0.0:
            reasons.append("gold not retrieved")
        if v.get("citation_precision") is not None and v["citation_precision"] < 1:
            reasons.append("cited a non-gold paper")
        if v.get("fact_recall") is not None and v["fact_recall"] < 1:
            reasons.append("missing facts")
        if not reasons:
            continue
        retrieved = "".join(f"<li>{p['score']:.2f} {e(p['title'])}</li>" for p in r["retrieved"][:5])
        cited = "".join(f"<li>[{c['ref']}] {e(c['title'])}</li>" for c in r["citations"]) or "<li>none</li>"
        items.append(
            f"<details><summary><b>{e(r['id'])}</b> ({e(r['kind'])}) {e(r['question'])} — "
            f"<span class='bad'>{e('; '.join(reasons))}</span></summary>"
            f"<p><b>Gold:</b> {e('; '.join(r['gold']) or '(unanswerable)')}<br><b>Facts:</b> {e(', '.join(r['facts']))}</p>"
            f"<p><b>Answer:</b> {e(r['answer'])}</p><b>Retrieved</b><ol>{retrieved}</ol><b>Cited</b><ul>{cited}</ul></details>"
        )
    return "".join(items) or "<p>No failures.</p>"


def _side_by_side(summary: dict) -> str:
    """This run beside its baseline, per part and per kind, on what answering changes."""
    base = summary.get("baseline")
    if not base:
        return ""
    keys = ("fact_recall", "citation_precision", "false_refusal_rate")
    head = "".join(f"<th>{e(k)}</th><th>{e(base['mode'])}</th>" for k in keys) + \
        f"<th>words p50</th><th>{e(base['mode'])}</th>"
    rows = []
    for group in ("by_part", "by_kind"):
        for name, stats in (summary.get(group) or {}).items():
            other = base.get(group, {}).get(name)
            if not other:
                continue
            cells = "".join(f"<td>{_fmt(stats[k])[0]}</td><td>{_fmt(other[k])[0]}</td>" for k in keys)
            cells += f"<td>{_seconds(stats['answer_words']['p50'])}</td><td>{_seconds(other['answer_words']['p50'])}</td>"
            rows.append(f"<tr><td>{e(name)}</td>{cells}</tr>")
    return (f"<h2>Beside the {e(base['mode'])} baseline</h2><table><tr><th></th>{head}</tr>"
            + "".join(rows) + "</table>")


def write_report(out_dir: Path, summary: dict, records: list[dict]) -> Path:
    overall, by_kind = summary["overall"], summary["by_kind"]
    rows = "".join(
        f"<tr><td>{e(m.label)}</td><td>{_fmt(overall[m.name])[0]}</td><td>{_fmt(overall[m.name])[1]}</td>"
        f"<td>{overall[m.name]['n']}</td></tr>"
        for m in METRICS if m.aggregate == "mean"
    ) + "".join(f"<tr><td>{e(m.label)}</td><td>{overall[m.name]}</td><td></td><td></td></tr>"
                for m in METRICS if m.aggregate == "sum")
    lat = "".join(
        f"<tr><td>{e(m.label)}</td><td>{_seconds(overall[m.name]['p50'])}</td><td>{_seconds(overall[m.name]['p95'])}</td></tr>"
        for m in METRICS if m.aggregate == "quantiles"
    )
    config = e(", ".join(f"{k}={v}" for k, v in summary.get("config", {}).items()))
    page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Evaluation report</title>
<style>body{{font:14px system-ui,sans-serif;margin:2em;max-width:1000px;color:#222}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}}.bar{{fill:#4a7bd0}}.line{{fill:none;stroke:#4a7bd0;stroke-width:2}}
.axis{{stroke:#888}}svg text{{font-size:12px}}.t{{font-weight:bold}}.bad{{color:#b00}}.plots{{display:flex;flex-wrap:wrap;gap:2em}}
details{{margin:.4em 0;padding:.3em;border-bottom:1px solid #eee}}</style></head><body>
<h1>Evaluation report</h1><p>{overall['questions']} questions; {config}</p>
<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>95% CI (bootstrap)</th><th>n</th></tr>{rows}</table>
<h3>Latency</h3><table><tr><th></th><th>p50</th><th>p95</th></tr>{lat}</table>
{_side_by_side(summary)}
<h2>Plots</h2><div class="plots">{_bars(by_kind, 'recall@5', 'Recall@5 by kind')}{_bars(by_kind, 'fact_recall', 'Fact recall by kind')}
{_curve(overall['recall_curve'])}{_latency(records)}</div>
<h2>Failures</h2>{_failures(records)}</body></html>"""
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
