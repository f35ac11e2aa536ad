"""Cold `assistant ask`: seconds from process start to the first answer token on the terminal.

    ASSISTANT_HOME=H .venv/bin/python benchmarks/cold_ask.py

H holds an index ingested by this version (stored sentence vectors) and the exported ONNX
embedder. Two questions (one plain, one comparison), four rounds each; the median of the eight.
Run on an idle machine.
"""

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

QUESTIONS = ("What does BSP-Net output directly?",
             "How do Autoformer and AutoTimes differ in their approach to time-series forecasting?")


def main() -> None:
    firsts = [bench.cold_process([str(bench.BIN / "assistant"), "ask", question], 1)[0][0]
              for _ in range(4) for question in QUESTIONS]
    if any(f != f for f in firsts):  # NaN: a run that printed nothing
        sys.exit(f"a cold ask printed no answer: {firsts}")
    print(f"cold ask first token: median {statistics.median(firsts):.2f} s over {len(firsts)} "
          f"({' '.join(f'{v:.2f}' for v in firsts)})")


if __name__ == "__main__":
    main()
