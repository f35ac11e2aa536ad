"""`assistant eval QUESTIONS.jsonl` and `assistant eval-compare RUN_A RUN_B`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.cli.common import handle_errors, make_assistant, progress_printer

SHOWN = ["recall@5", "mrr", "ndcg@10", "citation_precision", "citation_recall", "fact_recall",
         "unsupported_sentence_rate", "refusal_accuracy", "false_refusal_rate", "tokens_per_s"]


def _table(summary: dict) -> str:
    o = summary["overall"]
    lines = [f"{'metric':<28}{'value':>8}  95% CI"]
    for key in SHOWN:
        stat = o[key]
        if stat["value"] is None:
            lines.append(f"{key:<28}{'-':>8}")
            continue
        ci = f"[{stat['ci95'][0]:.3f}, {stat['ci95'][1]:.3f}]" if stat["ci95"] else ""
        lines.append(f"{key:<28}{stat['value']:>8.3f}  {ci}")
    for key in ("ttft_s", "total_s"):
        q = o[key]
        if q["p50"] is not None:
            lines.append(f"{key + ' p50/p95':<28}{q['p50']:>8.2f}  {q['p95']:.2f}")
    lines.append(f"{'cited_unretrieved':<28}{o['cited_unretrieved']:>8}")
    return "\n".join(lines)


@click.command("eval")
@click.argument("questions", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory [default: eval-runs/<file stem>]; an existing run resumes.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N questions.")
@click.option("-k", type=click.IntRange(1, 50), default=None, help="Papers per question [default: 5].")
@click.option("--model", "-m", help="GGUF path or name in the models dir.")
@click.option("--mode", "answer_mode", type=click.Choice(["grounded", "stuffed"]), default=None)
@click.option("--retrieval", type=click.Choice(["hybrid", "dense"]), default=None)
@click.pass_context
@handle_errors
def evaluate(ctx, questions, out, limit, k, model, answer_mode, retrieval):
    """Score the assistant on a question set: retrieval, citations, facts, refusals, latency.

    Writes results.jsonl, summary.json and report.html to --out. Questions are JSON lines:
    {"id", "question", "history", "gold": [titles or ids], "facts", "answerable", "kind"}.
    """
    from assistant.evaluation.questions import load_questions
    from assistant.evaluation.report import write_report
    from assistant.evaluation.runner import load_results, run_eval

    assistant = make_assistant(ctx, k=k, model=model, answer_mode=answer_mode, retrieval=retrieval)
    items, problems = load_questions(questions)
    for problem in problems:
        click.echo(f"assistant: warning: {problem} (skipped)", err=True)
    items = items[:limit] if limit else items
    if assistant.index.count() == 0:
        assistant.ensure_index(progress_printer("Embedding"))
    out = out or Path("eval-runs") / questions.stem
    s = assistant.settings
    config = {"questions": str(questions), "k": s.k, "model": assistant.generator.name,
              "answer_mode": s.answer_mode, "retrieval": s.retrieval, "n_ctx": s.n_ctx}
    summary = run_eval(assistant, items, out, s.k, config, progress_printer("Questions"))
    report = write_report(out, summary, [r for r in load_results(out) if r["id"] in {q.id for q in items}])
    click.echo(_table(summary))
    click.echo(f"\nwrote {out / 'results.jsonl'}, {out / 'summary.json'}, {report}", err=True)


@click.command("eval-compare")
@click.argument("run_a", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("run_b", type=click.Path(exists=True, file_okay=False, path_type=Path))
@handle_errors
def compare(run_a, run_b):
    """Metric deltas between two eval runs and the questions whose verdict changed."""
    from assistant.evaluation.runner import load_results

    a = json.loads((run_a / "summary.json").read_text())["overall"]
    b = json.loads((run_b / "summary.json").read_text())["overall"]
    click.echo(f"{'metric':<28}{'A':>8}{'B':>8}{'B-A':>8}")
    for key in SHOWN:
        va, vb = a[key]["value"], b[key]["value"]
        if va is None or vb is None:
            continue
        click.echo(f"{key:<28}{va:>8.3f}{vb:>8.3f}{vb - va:>+8.3f}")
    ra = {r["id"]: r for r in load_results(run_a)}
    changed = []
    for r in load_results(run_b):
        old = ra.get(r["id"])
        if old and (old["refused"] != r["refused"] or old["verdict"].get("fact_recall") != r["verdict"].get("fact_recall")):
            changed.append(f"  {r['id']}: refused {old['refused']}->{r['refused']}, facts "
                           f"{old['verdict'].get('fact_recall')}->{r['verdict'].get('fact_recall')}")
    click.echo(f"\n{len(changed)} questions changed verdict" + (":\n" + "\n".join(changed) if changed else ""))
