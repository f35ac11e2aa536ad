"""Stored sentence vectors: cold `ask` with and without them, and ingest with and without.

    ASSISTANT_HOME=H .venv/bin/python benchmarks/sentence_vectors.py

H holds an index with stored sentences (any index ingested by this version) and the exported
ONNX embedder. Two copies of it are made under /tmp, one without `sentences.sqlite`; cold asks
alternate between them (2 questions x 4 rounds); then the bundled corpus is ingested into two
empty indexes, with `ASSISTANT_SENTENCE_VECTORS` true and false. Run on an idle machine.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench  # noqa: E402

QUESTIONS = ("What does BSP-Net output directly?",
             "How do Autoformer and AutoTimes differ in their approach to time-series forecasting?")


def main() -> None:
    source = Path(os.environ["ASSISTANT_HOME"])
    homes = {}
    for name in ("with", "without"):
        home = Path(tempfile.gettempdir()) / f"sentence-bench-{name}"
        shutil.rmtree(home, ignore_errors=True)
        shutil.copytree(source, home)
        if name == "without":
            for stored in (home / "data" / "index").glob("sentences.sqlite*"):
                stored.unlink()
        homes[name] = home
    firsts: dict[str, list[float]] = {name: [] for name in homes}
    for question in QUESTIONS:
        for _ in range(4):
            for name, home in homes.items():
                os.environ["ASSISTANT_HOME"] = str(home)
                firsts[name].append(bench.cold_process([str(bench.BIN / "assistant"), "ask", question], 1)[0][0])
    for name, values in firsts.items():
        print(f"cold ask first token, {name} stored sentences: median {statistics.median(values):.2f} s over "
              f"{len(values)} ({' '.join(f'{v:.2f}' for v in values)})")
    for flag in ("true", "false"):
        home = Path(tempfile.mkdtemp())
        shutil.copytree(source / "cache", home / "cache")  # the exported ONNX embedder, as after a first run
        env = {**os.environ, "ASSISTANT_HOME": str(home), "ASSISTANT_SENTENCE_VECTORS": flag}
        start = time.perf_counter()
        subprocess.run([str(bench.BIN / "assistant"), "ingest", str(ROOT / "assistant" / "data" / "seeds")], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"ingest of the bundled corpus, sentence_vectors={flag}: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
