"""Split a blind question set into a tuning part and a held-out part, once, before any run.

Stratified by kind (and, for unanswerable questions, by sort), with a fixed seed: about 40% of
each stratum goes to tuning. Thresholds and rules are fitted on the tuning part only; the
held-out part is only ever scored.

    python eval/split_questions.py ALL.jsonl eval/questions/blind-tune.jsonl eval/questions/heldout.jsonl
"""

from __future__ import annotations

import json
import random
import sys
from collections import defaultdict

SEED = 20261124
TUNE_SHARE = 0.4


def main(source: str, tune_path: str, heldout_path: str) -> None:
    rows = [json.loads(line) for line in open(source, encoding="utf-8") if line.strip()]
    strata: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        strata[(row["kind"], row.get("sort", ""))].append(row)
    rng = random.Random(SEED)
    tune, heldout = [], []
    for key in sorted(strata):
        group = sorted(strata[key], key=lambda r: r["id"])
        rng.shuffle(group)
        cut = round(len(group) * TUNE_SHARE)
        tune += group[:cut]
        heldout += group[cut:]
    for path, part in ((tune_path, tune), (heldout_path, heldout)):
        with open(path, "w", encoding="utf-8") as out:
            for row in sorted(part, key=lambda r: r["id"]):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{path}: {len(part)} questions")


if __name__ == "__main__":
    main(*sys.argv[1:4])
