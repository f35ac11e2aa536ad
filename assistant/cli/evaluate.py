"""`assistant eval QUESTIONS.jsonl` (one config or a matrix) and `assistant eval compare A B`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.cli.common import echo, handle_errors, make_assistant, progress_printer
from assistant.cli.ingest import IngestProgress
from assistant.errors import MissingInputError

def _table(summary: dict) -> str:
    from assistant.evaluation.metrics import METRICS

    o = summary["overall"]
    lines = [f"{'metric':<28}{'value':>8}  95% CI"]
    for metric in METRICS:
        stat = o[metric.name]
        if metric.aggregate == "sum":
            lines.append(f"{metric.name:<28}{stat:>8}")
        elif metric.aggregate == "quantiles":
            if stat["p50"] is not None:
                lines.append(f"{metric.name + ' p50/p95':<28}{stat['p50']:>8.2f}  {stat['p95']:.2f}")
        elif stat["value"] is None:
            lines.append(f"{metric.name:<28}{'-':>8}")
        else:
            ci = f"[{stat['ci95'][0]:.3f}, {stat['ci95'][1]:.3f}]" if stat["ci95"] else ""
            lines.append(f"{metric.name:<28}{stat['value']:>8.3f}  {ci}")
    return "\n".join(lines)


BREAKDOWN = ("fact_recall", "citation_precision", "refusal_accuracy", "false_refusal_rate")


def breakdown(summary: dict) -> str:
    """Key figures per part and per kind, with the baseline's beside them where it ran."""
    base = summary.get("baseline") or {}
    head = f"{'':<24}" + "".join(f"{m[:14]:>15}" for m in BREAKDOWN) + f"{'words p50':>11}"
    if base:
        head += f"   | {base['mode']}: fact_recall, citation_precision, words p50"
    lines = ["", head]
    for group in ("by_part", "by_kind"):
        for name, stats in (summary.get(group) or {}).items():
            row = f"{name[:23]:<24}" + "".join(_cell(stats[m]) for m in BREAKDOWN) + _words(stats)
            other = (base.get(group) or {}).get(name)
            if other:
                row += f"   | {_cell(other['fact_recall'])}{_cell(other['citation_precision'])}{_words(other)}"
            lines.append(row)
    return "\n".join(lines)


def _cell(stat: dict) -> str:
    return f"{'-':>15}" if stat["value"] is None else f"{stat['value']:>15.3f}"


def _words(stats: dict) -> str:
    p50 = stats["answer_words"]["p50"]
    return f"{'-':>11}" if p50 is None else f"{p50:>11.0f}"


class _EvalGroup(click.Group):
    """`assistant eval QUESTIONS ...` runs; `assistant eval compare A B` compares."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group("eval", cls=_EvalGroup, context_settings={"help_option_names": ["-h", "--help"]})
def evaluate():
    """Score the assistant on a question set, or compare two runs.

    \b
      assistant eval QUESTIONS.jsonl [--out DIR] [-k 5] [--model M] ...
      assistant eval QUESTIONS.jsonl -k 3,5,8 -m a.gguf -m b.gguf --out DIR   (matrix)
      assistant eval compare RUN_A RUN_B
    """


def _ks(ctx, _param, value: str | None) -> list[int] | None:
    if value is None:
        return None
    try:
        ks = [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise click.BadParameter(f"expected a number or a list like 3,5,8, got {value!r}") from None
    if not ks or any(not 1 <= k <= 50 for k in ks):
        raise click.BadParameter("each k must be between 1 and 50")
    return ks


@evaluate.command("run")
@click.argument("questions", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory [default: eval-runs/<file stem>]; an existing run resumes.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Only the first N questions.")
@click.option("-k", "ks", callback=_ks, help="Papers per question [default: 5]; a list (3,5,8) runs each.")
@click.option("--model", "-m", "models", multiple=True, help="GGUF path or name; repeat to compare models.")
@click.option("--mode", "answer_mode", type=click.Choice(["grounded", "stuffed", "extractive"]), default=None)
@click.option("--retrieval", type=click.Choice(["hybrid", "dense"]), default=None)
@click.pass_context
@handle_errors
def run(ctx, questions, out, limit, ks, models, answer_mode, retrieval):
    """Score the assistant on question sets: retrieval, citations, facts, refusals, latency.

    Writes results.jsonl, summary.json and report.html to --out. Several files are scored
    together and reported each on its own too (a tuning part and a held-out part, say); each
    answer is set beside the extractive baseline's. Questions are JSON lines:
    {"id", "question", "history", "gold": [titles or ids], "facts", "answerable", "kind"}.
    Several -k values or models run every combination in one warm process, each into its own
    folder under --out, with matrix.html comparing them.
    """
    from assistant.evaluation.matrix import run_configs
    from assistant.evaluation.questions import load_questions

    assistant = make_assistant(ctx, k=ks[0] if ks else None, model=models[0] if models else None,
                               answer_mode=answer_mode, retrieval=retrieval)
    items, seen = [], set()
    for path in questions:
        loaded, problems = load_questions(path)
        for problem in problems:
            echo(f"assistant: warning: {problem} (skipped)", err=True)
        for q in loaded:
            if q.id in seen:
                echo(f"assistant: warning: {path}: duplicate id {q.id!r} across files (skipped)", err=True)
                continue
            seen.add(q.id)
            items.append(q)
    items = items[:limit] if limit else items
    assistant.ensure_index(IngestProgress("Indexing the bundled corpus").update)
    out = out or Path("eval-runs") / questions[0].stem
    several = len(ks or [None]) * len(models or [None]) > 1

    def starting(k: int, model: str, target: Path) -> None:
        if several:
            echo(f"\n== k={k}, model={model} -> {target}", err=True)

    def done(r) -> None:
        echo(f"k={r.k} model={r.model}\n{_table(r.summary)}\n" if several else _table(r.summary))
        echo(breakdown(r.summary))
        echo(f"wrote {r.directory / 'results.jsonl'}, {r.directory / 'summary.json'}, {r.report}", err=True)

    _, page = run_configs(assistant, items, questions, out, ks or [assistant.k], list(models) or [None],
                          starting, done, progress_printer("Questions"))
    if page:
        echo(f"wrote {page}", err=True)


@evaluate.command("compare")
@click.argument("run_a", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("run_b", type=click.Path(exists=True, file_okay=False, path_type=Path))
@handle_errors
def compare(run_a, run_b):
    """Metric deltas (B - A) with paired bootstrap 95% CIs, and the questions that changed."""
    from assistant.evaluation.compare import grouped_deltas, paired_deltas, verdict_changes
    from assistant.evaluation.runner import load_results

    a, b = load_results(run_a), load_results(run_b)
    if not a or not b:
        raise MissingInputError(f"{run_a if not a else run_b}: no results.jsonl with any record")
    deltas = paired_deltas(a, b)
    echo(f"{'metric':<28}{'A':>8}{'B':>8}{'B-A':>9}  95% CI of B-A     n")
    for key, d in deltas.items():
        ci = f"[{d['ci95'][0]:+.3f}, {d['ci95'][1]:+.3f}]" if d["ci95"] else ""
        mark = " *" if d["ci95"] and (d["ci95"][0] > 0 or d["ci95"][1] < 0) else ""
        echo(f"{key:<28}{d['a']:>8.3f}{d['b']:>8.3f}{d['delta']:>+9.3f}  {ci:<17}{d['n']:>3}{mark}")
    echo("(* the interval excludes 0; questions paired by id)")
    for group in ("part", "kind"):
        rows = grouped_deltas(a, b, group, BREAKDOWN)
        if len(rows) > 1 or group == "kind":
            echo(f"\nB-A by {group} [95% CI]" + "".join(f"{m[:22]:>26}" for m in BREAKDOWN))
            for name, deltas in rows.items():
                cells = "".join(f"{_delta(deltas.get(m)):>26}" for m in BREAKDOWN)
                echo(f"{name[:21]:<22}{cells}")
    changed = verdict_changes(a, b)
    echo(f"\n{len(changed)} questions changed verdict" + (":\n  " + "\n  ".join(changed) if changed else ""))


def _delta(d: dict | None) -> str:
    if not d:
        return "-"
    ci = f" [{d['ci95'][0]:+.2f},{d['ci95'][1]:+.2f}]" if d["ci95"] else ""
    return f"{d['delta']:+.3f}{ci}"


# The spelling of earlier versions.
legacy_compare = click.Command("eval-compare", callback=compare.callback, params=compare.params,
                               help=compare.help, hidden=True)
