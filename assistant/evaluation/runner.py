"""Runs a question set through one warm `Assistant`; resumable, one JSON line per question."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from assistant.errors import ModelUnavailable
from assistant.evaluation.metrics import answer_verdicts, retrieval_verdicts, summarise
from assistant.evaluation.questions import Question
from assistant.retrieval.followup import parse_history, standalone_query

RESULTS, SUMMARY = "results.jsonl", "summary.json"


def completed_ids(out_dir: Path) -> set[str]:
    path = out_dir / RESULTS
    if not path.exists():
        return set()
    ids = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            ids.add(json.loads(line)["id"])
        except (json.JSONDecodeError, KeyError):
            continue  # a line cut by an interrupted run: that question runs again
    return ids


def evaluate_question(assistant, q: Question, k: int, baseline: str | None = "extractive") -> dict:
    """One question's record. `baseline`: also answer it in that mode (no model: milliseconds)
    so the report can show the two side by side."""
    turns = parse_history(q.history)
    query = standalone_query(q.question, turns)
    ranked = [{"id": h.paper.id, "title": h.paper.title, "score": round(h.score, 4)}
              for h in assistant.search(query, max(10, k))]
    answer = assistant.ask(q.question, k, history=turns).record()
    if answer.cut_off:  # not scored: the run stops here and resuming asks this question again
        raise ModelUnavailable(f"question {q.id}: the model server broke off the answer")
    retrieval = retrieval_verdicts(ranked, q.gold) if q.gold else {"recall_at": {}, "mrr": None, "ndcg10": None}
    as_json = answer.to_json()
    record = {
        "id": q.id, "kind": q.kind, "part": q.part, "question": q.question, "answerable": q.answerable,
        "gold": q.gold, "facts": q.facts, "standalone_query": answer.standalone_query,
        "retrieved": ranked, "answer": answer.answer, "refused": answer.refused,
        "refusal_reason": answer.refusal_reason,
        "citations": as_json["citations"], "sources": as_json["sources"],
        "unsupported_sentences": answer.unsupported_sentences, "relevance": answer.relevance,
        "extractive": answer.extractive,
        "retrieval": retrieval, "verdict": answer_verdicts(answer, q), "timings": as_json["timings"],
    }
    if baseline and baseline != assistant.settings.answer_mode:
        other = assistant.ask(q.question, k, history=turns, mode=baseline).record()
        record["baseline"] = {"mode": baseline, "answer": other.answer, "refused": other.refused,
                              "citations": other.to_json()["citations"], "verdict": answer_verdicts(other, q)}
    return record


def run_eval(
    assistant,
    questions: list[Question],
    out_dir: Path,
    k: int,
    config: dict,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    done = completed_ids(out_dir)
    todo = [q for q in questions if q.id not in done]
    (out_dir / "config.json").write_text(json.dumps(config, indent=2, default=str))
    with (out_dir / RESULTS).open("a", encoding="utf-8") as handle:
        for n, q in enumerate(todo, 1):
            record = evaluate_question(assistant, q, k)
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()  # an interrupted run keeps every finished question
            if on_progress:
                on_progress(n, len(todo))
    wanted = {q.id for q in questions}
    records = [r for r in load_results(out_dir) if r["id"] in wanted]
    summary = {"config": config, **summarise(records)}
    baseline = [{**r, **r["baseline"]} for r in records if "baseline" in r]
    if baseline:
        summary["baseline"] = {"mode": baseline[0]["mode"], **summarise(baseline)}
    (out_dir / SUMMARY).write_text(json.dumps(summary, indent=2))
    return summary


def load_results(out_dir: Path) -> list[dict]:
    records = {}
    for line in (out_dir / RESULTS).read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
            records[record["id"]] = record
        except (json.JSONDecodeError, KeyError):
            continue
    return list(records.values())
