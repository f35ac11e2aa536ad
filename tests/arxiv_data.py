"""A generated file in the arXiv metadata snapshot's format (one JSON object per line, as
arxiv-metadata-oai-snapshot.json has them), for streaming, dedupe, resume and memory tests."""

from __future__ import annotations

import json
import random
from pathlib import Path

WORDS = ("decoding speculative draft model token latency memory attention cache sparse autoencoder "
         "feature circuit mesh partition convex graph neural diffusion image video retrieval dense "
         "lexical ranking fusion query answer citation abstract corpus benchmark dataset training "
         "inference quantization pruning distillation agent reasoning planning robot policy reward").split()


def record(n: int, version: int = 1, rng: random.Random | None = None) -> dict:
    rng = rng or random.Random(n)
    title = " ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + f" {n}"
    abstract = " ".join(rng.choice(WORDS) for _ in range(60)) + f". Version {version} of study {n}."
    return {
        "id": f"{2000 + n // 100000:04d}.{n % 100000:05d}",
        "submitter": "A. Author",
        "authors": "A. One, B. Two and C. Three",
        "title": title,
        "comments": "10 pages",
        "journal-ref": None,
        "doi": None,
        "report-no": None,
        "categories": rng.choice(["cs.CL cs.LG", "cs.CV", "cs.LG stat.ML"]),
        "license": None,
        "abstract": "  " + abstract + "\n",
        "versions": [{"version": f"v{v}", "created": "Mon, 1 Jan 2024 10:00:00 GMT"} for v in range(1, version + 1)],
        "update_date": "2024-01-08",
        "authors_parsed": [["One", "A.", ""], ["Two", "B.", ""], ["Three", "C.", ""]],
    }


def write_snapshot(path: Path, count: int, start: int = 0) -> Path:
    with path.open("w") as handle:
        for n in range(start, start + count):
            handle.write(json.dumps(record(n)) + "\n")
    return path
