"""Sweep the refusal threshold over a finished run: how refusal accuracy and false refusals
move with REFUSE_BELOW (assistant/answering/pipeline.py).

    python eval/calibrate.py eval/runs/dev/results.jsonl

Each record carries the relevance the pipeline computed, so no model is run again. Refusals
for other reasons (an unknown name, a figure the abstracts do not state) stay refusals at every
threshold.
"""

from __future__ import annotations

import json
import sys


def sweep(records: list[dict], thresholds: list[float]) -> list[tuple[float, float, float]]:
    current = _current_threshold()
    rows = []
    for t in thresholds:
        def refused(r: dict) -> bool:
            other_reason = r["refused"] and (r["relevance"] or 0.0) >= current
            return (r["relevance"] or 0.0) < t or other_reason

        unanswerable = [r for r in records if not r["answerable"]]
        answerable = [r for r in records if r["answerable"]]
        accuracy = sum(refused(r) for r in unanswerable) / max(1, len(unanswerable))
        false_rate = sum(refused(r) for r in answerable) / max(1, len(answerable))
        rows.append((t, accuracy, false_rate))
    return rows


def _current_threshold() -> float:
    from assistant.answering.refusal import REFUSE_BELOW

    return REFUSE_BELOW


def main(path: str) -> None:
    records = [json.loads(line) for line in open(path, encoding="utf-8") if line.strip()]
    print("threshold  refusal-accuracy  false-refusal-rate")
    for t, accuracy, false_rate in sweep(records, [round(0.26 + 0.02 * i, 2) for i in range(10)]):
        print(f"{t:9.2f}  {accuracy:16.3f}  {false_rate:18.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
