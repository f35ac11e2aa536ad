"""Every combination of k and model over one question set, in one warm process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.evaluation.compare import write_matrix
from assistant.evaluation.questions import Question
from assistant.evaluation.report import write_report
from assistant.evaluation.runner import load_results, run_eval


@dataclass
class ConfigRun:
    k: int
    model: str
    directory: Path
    summary: dict
    report: Path


def config_name(k: int, model: str) -> str:
    stem = model.removesuffix(".gguf")
    return "k{}-{}".format(k, "".join(c if c.isalnum() or c in "-_." else "_" for c in stem))


def run_configs(assistant, questions: list[Question], sources: list[Path], out: Path, ks: list[int],
                models: list[str | None], on_start: Callable[[int, str, Path], None] | None = None,
                on_done: Callable[[ConfigRun], None] | None = None,
                on_progress: Callable[[int, int], None] | None = None) -> tuple[list[ConfigRun], Path | None]:
    """Run each (k, model); with more than one, each into its own folder under `out` and a
    matrix.html beside them. Returns the runs and the matrix page (None for a single run)."""
    s = assistant.settings
    configs = [(k, m) for m in models for k in ks]
    matrix = len(configs) > 1
    runs: list[ConfigRun] = []
    ids = {q.id for q in questions}
    for k, model in configs:
        if model is not None:
            assistant.use_model(model)
        name = assistant.model_name
        target = out / config_name(k, name) if matrix else out
        config = {"questions": ", ".join(map(str, sources)), "k": k, "model": name,
                  "answer_mode": s.answer_mode, "retrieval": s.retrieval, "n_ctx": s.n_ctx}
        if on_start:
            on_start(k, name, target)
        summary = run_eval(assistant, questions, target, k, config, on_progress)
        report = write_report(target, summary, [r for r in load_results(target) if r["id"] in ids])
        runs.append(ConfigRun(k, name, target, summary, report))
        if on_done:
            on_done(runs[-1])
    page = write_matrix(out, [(r.directory.name, r.summary) for r in runs]) if matrix else None
    return runs, page
