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


def test_matrix_runs_every_config_and_compare_gives_paired_cis(bundled_index_dir, tmp_path):
    out = tmp_path / "matrix"
    args = ["--index-dir", str(bundled_index_dir), "eval", str(SMOKE), "--out", str(out), "--limit", "3",
            "-k", "3,5"]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    runs = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert runs == ["k3-SmolLM2-135M-Instruct.Q4_1", "k5-SmolLM2-135M-Instruct.Q4_1"]
    for run in runs:
        config = json.loads((out / run / "summary.json").read_text())["config"]
        assert config["k"] == int(run[1])
        records = [json.loads(line) for line in (out / run / "results.jsonl").read_text().splitlines()]
        assert all(len(r["sources"]) <= config["k"] for r in records)
    matrix = (out / "matrix.html").read_text()
    assert all(f'href="{run}/report.html"' in matrix for run in runs)

    compared = CliRunner().invoke(cli, ["eval", "compare", str(out / runs[0]), str(out / runs[1])])
    assert compared.exit_code == 0, compared.output
    assert "95% CI of B-A" in compared.output
    assert any(line.startswith("recall@5") for line in compared.output.splitlines())
    assert "questions changed verdict" in compared.output


def test_report_renders_in_headless_chromium(bundled_index_dir, tmp_path):
    import shutil
    import subprocess

    import numpy as np
    from PIL import Image

    chromium = shutil.which("chromium")
    assert chromium, "Chromium is needed for this test: `make browser` installs Debian's package"
    out = tmp_path / "run"
    result = CliRunner().invoke(cli, ["--index-dir", str(bundled_index_dir), "eval", str(SMOKE),
                                      "--out", str(out), "--limit", "2"], catch_exceptions=False)
    assert result.exit_code == 0
    shot = tmp_path / "report.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'chromium'}", "--window-size=1200,1600"]
    page = (out / "report.html").as_uri()
    subprocess.run([chromium, *flags, f"--screenshot={shot}", page], check=True, capture_output=True, timeout=120)
    dom = subprocess.run([chromium, *flags, "--dump-dom", page], check=True, capture_output=True,
                         timeout=120, text=True).stdout
    assert dom.count("<svg") >= 3 and "Citation precision" in dom  # the browser parsed tables and plots
    image = Image.open(shot).convert("RGB")
    assert image.size == (1200, 1600)
    pixels = np.asarray(image, dtype=int)
    inked = (pixels.sum(axis=2) < 600).mean()
    assert inked > 0.01, "the page rendered (nearly) blank"
    blue = (pixels[..., 2] > pixels[..., 0] + 60).sum()
    assert blue > 2000, "the blue plot bars are missing"
