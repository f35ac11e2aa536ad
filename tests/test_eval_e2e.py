"""`assistant eval` on the smoke set with the real model: outputs, resumability, report."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli

pytestmark = pytest.mark.slow
SMOKE = Path(__file__).parents[1] / "eval" / "questions" / "smoke.jsonl"


def test_eval_writes_results_summary_and_report_then_resumes(bundled_index_dir, tmp_path):
    out = tmp_path / "run"
    args = ["--index-dir", str(bundled_index_dir), "eval", str(SMOKE), "--out", str(out)]
    first = CliRunner().invoke(cli, args + ["--limit", "3"], catch_exceptions=False)
    assert first.exit_code == 0, first.stderr
    assert len((out / "results.jsonl").read_text().splitlines()) == 3

    second = CliRunner().invoke(cli, args, catch_exceptions=False)  # resumes: only 2 new questions
    assert second.exit_code == 0, second.stderr
    records = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == [f"smoke-{n}" for n in range(1, 6)]

    summary = json.loads((out / "summary.json").read_text())
    overall = summary["overall"]
    assert overall["questions"] == 5
    assert overall["cited_unretrieved"] == 0
    assert overall["recall@5"]["value"] == 1.0
    assert overall["refusal_accuracy"]["value"] == 1.0  # both off-corpus questions refused
    assert set(summary["by_kind"]) == {"lookup", "numeric", "paraphrase", "unanswerable"}
    page = (out / "report.html").read_text()
    assert "<svg" in page and "Recall@k" in page and "Citation precision" in page
    assert "recall@5" in second.output
