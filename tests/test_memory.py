"""Peak memory of an ingest does not grow with the input: re-reading 20,000 unchanged records
costs about what 2,000 do (the old code held every record, and every stored version, in memory:
about 60 MB more at 20k). Measured as ru_maxrss of a worker process, with the hashing embedder
(the records are unchanged: nothing is embedded either way)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from arxiv_data import write_snapshot

WORKER = Path(__file__).parent / "ingest_worker.py"


def ingest(directory, *files) -> dict:
    result = subprocess.run([sys.executable, str(WORKER), str(directory), "512", *map(str, files)],
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_the_number_of_unchanged_records(tmp_path):
    big = write_snapshot(tmp_path / "big.json", 20_000)
    small = write_snapshot(tmp_path / "small.json", 2_000)
    assert ingest(tmp_path / "idx", big)["added"] == 20_000
    first_small = ingest(tmp_path / "idx", small)
    first_big = ingest(tmp_path / "idx", big)
    assert first_small["unchanged"] == 2_000 and first_big["unchanged"] == 20_000
    growth_mb = (first_big["rss_kb"] - first_small["rss_kb"]) / 1024
    print(f"peak RSS: 2k unchanged {first_small['rss_kb'] / 1024:.0f} MB, 20k {first_big['rss_kb'] / 1024:.0f} MB")
    assert growth_mb < 10, growth_mb
