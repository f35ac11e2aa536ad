"""Streamed ingest: peak memory (`/usr/bin/time -v`) and speed for generated arXiv snapshots of
10k and 100k records, new and then unchanged.

    .venv/bin/python benchmarks/ingest_stream.py [--records 10000 --records 100000]

The papers are embedded by the hashing embedder (tests/ingest_worker.py): MiniLM runs at about
20 abstracts/s on this CPU (83 min per 100k), which `bench.py` measures on its own. What this
measures is everything else: reading, dedupe, planning, Chroma writes, the read side's segments
and merges. Files go to <cache dir>/ingest-stream-<n>.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def timed(args: list[str]) -> dict:
    result = subprocess.run(["/usr/bin/time", "-v", *args], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(result.stderr[-3000:])
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", result.stderr).group(1)
    seconds = sum(float(x) * 60 ** i for i, x in enumerate(reversed(wall.split(":"))))
    return {**json.loads(result.stdout.strip().splitlines()[-1]), "max_rss_mb": rss / 1024, "wall_s": seconds}


def main() -> None:
    from arxiv_data import write_snapshot

    from assistant.paths import user_paths

    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, action="append")
    opts = parser.parse_args()
    for n in opts.records or [10_000, 100_000]:
        work = user_paths().cache_dir / f"ingest-stream-{n}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        data = write_snapshot(work / "arxiv.json", n)
        args = [sys.executable, str(ROOT / "tests" / "ingest_worker.py"), str(work / "idx"), "512", str(data)]
        new = timed(args)
        unchanged = timed(args)
        size_mb = data.stat().st_size / 2**20
        print(json.dumps({"records": n, "input_mb": size_mb,
                          "new": {k: new[k] for k in ("added", "max_rss_mb", "wall_s")},
                          "unchanged": {k: unchanged[k] for k in ("unchanged", "max_rss_mb", "wall_s")},
                          "unchanged_records_per_s": n / unchanged["wall_s"],
                          "unchanged_records_per_s_excluding_start": n / max(1e-9, unchanged["seconds"])}),
              flush=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
