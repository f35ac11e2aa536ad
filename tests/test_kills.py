"""Crash safety for real: `SIGKILL` at random moments of an ingest, several times over; each
time the index must open, hold no half-written paper (the read side matches the store: ids,
content, vectors), and a re-run must finish with the expected count without embedding again
what was finished. The seed of the kill times is printed, to replay a failure."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.corpus import bundled_corpus_dir, load_corpus
from assistant.index import PaperIndex
from assistant.index.check import check
from assistant.models.hashing import HashingEmbedder
from assistant.models.minilm import MiniLMEmbedder

from arxiv_data import write_snapshot

WORKER = Path(__file__).parent / "ingest_worker.py"


def kill_after(args, seconds: float, env=None) -> bool:
    """Start, SIGKILL after `seconds`; True if it was still running then."""
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        process.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait()
        return True


def assert_whole(directory: Path, embedder, expected_at_most: int) -> int:
    index = PaperIndex(directory, embedder)
    count = index.count()  # opening heals the slice a kill left in flight
    assert count <= expected_at_most
    assert check(index) == []  # every paper in the read side is in the store, whole, and back
    return count


@pytest.mark.slow
def test_sigkill_during_ingest_of_a_generated_arxiv_file_then_resume(tmp_path):
    """Hashing embedder (in a worker process): 3,000 records, slices of 100, killed five
    times at random moments."""
    seed = random.randrange(1 << 30)
    print(f"kill seed {seed}")
    rng = random.Random(seed)
    path = write_snapshot(tmp_path / "arxiv.json", 3000)
    directory = tmp_path / "idx"
    args = [sys.executable, str(WORKER), str(directory), "100", str(path)]
    start = time.perf_counter()
    finished = subprocess.run(args, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    full = time.perf_counter() - start  # how long a whole run takes on this machine now
    assert finished.returncode == 0, finished.stderr[-2000:]
    import shutil

    shutil.rmtree(directory)
    counts = []
    for _ in range(5):
        kill_after(args, rng.uniform(0.5, full))
        counts.append(assert_whole(directory, HashingEmbedder(), 3000))
    assert counts == sorted(counts)  # nothing finished is ever lost
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["added"] + report["unchanged"] == 3000
    assert report["unchanged"] >= counts[-1]  # finished slices were not embedded again
    assert assert_whole(directory, HashingEmbedder(), 3000) == 3000


@pytest.mark.slow
def test_sigkill_of_assistant_ingest_with_minilm_then_resume(tmp_path):
    """The real command and the real MiniLM on the bundled corpus (191 papers), slices of 32
    (`ASSISTANT_INGEST_SLICE`), killed four times at random moments."""
    seed = random.randrange(1 << 30)
    print(f"kill seed {seed}")
    rng = random.Random(seed)
    directory = tmp_path / "idx"
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(directory), "ASSISTANT_INGEST_SLICE": "32"}
    args = [str(Path(sys.executable).parent / "assistant"), "ingest", str(bundled_corpus_dir())]
    counts = []
    for _ in range(4):
        kill_after(args, rng.uniform(3.0, 25.0), env)
        counts.append(assert_whole(directory, MiniLMEmbedder(), 191))
    assert counts == sorted(counts)
    result = subprocess.run(args + ["--json"], capture_output=True, text=True, timeout=600, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["papers"] == 191 == len(load_corpus([bundled_corpus_dir()]).papers)
    assert report["added"] == 191 - counts[-1]  # only what the kills left undone was embedded
    assert assert_whole(directory, MiniLMEmbedder(), 191) == 191
