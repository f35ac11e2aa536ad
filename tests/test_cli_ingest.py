"""`assistant ingest` as a user meets it: rejected records and skipped files are warned about
and counted in the summary; `--strict` turns them into exit 65 (the good records still land);
`--device cuda` without a GPU is one line and exit 69."""

import json
import shutil

import pytest

from click.testing import CliRunner

from assistant.cli.main import cli

from conftest import DATA


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def mixed_folder(tmp_path):
    folder = tmp_path / "papers"
    folder.mkdir()
    shutil.copy(DATA / "tiny.jsonl", folder / "good.jsonl")
    (folder / "bad.jsonl").write_text('{"title": 12, "abstract": "x"}\n{oops\n')
    (folder / "scan.pdf").write_bytes(b"%PDF-1.7\x00\x00binary")
    return folder


@pytest.mark.slow
def test_a_folder_with_bad_records_and_a_pdf_lands_the_good_ones_and_says_what_was_rejected(tmp_path):
    folder = mixed_folder(tmp_path)
    result = run("ingest", str(folder))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"assistant: warning: {folder / 'scan.pdf'}: binary file; expected text (Daily Papers text, JSONL, "
        "JSON, CSV, BibTeX or RIS); skipped",
        f"assistant: warning: {folder / 'bad.jsonl'}:1: 'title' is a number, expected a string",
        f"assistant: warning: {folder / 'bad.jsonl'}:2: not valid JSON (Expecting property name enclosed in "
        "double quotes)",
    ]
    assert result.stdout.startswith("added 6, updated 0, unchanged 0, rejected 2 (1 wrong type, 1 not valid JSON), "
                                    "skipped 1 file (0 duplicates merged); 6 papers in the index")


@pytest.mark.slow
def test_strict_exits_65_after_indexing_the_good_records(tmp_path):
    folder = mixed_folder(tmp_path)
    result = run("ingest", str(folder), "--strict", "--json")
    assert result.exit_code == 65
    assert result.stderr.splitlines()[-1] == ("assistant: error: --strict: 2 records rejected, 1 file skipped "
                                              "(the others were indexed)")
    report = json.loads(result.stdout)
    assert (report["added"], report["rejected"], report["skipped_files"], report["papers"]) == (6, 2, 1, 6)
    clean = run("ingest", str(DATA / "tiny.jsonl"), "--strict")
    assert clean.exit_code == 0


@pytest.mark.slow
def test_device_cuda_without_a_gpu_is_one_line_and_exit_69(tmp_path):
    import torch

    if torch.cuda.is_available():  # the CUDA path itself: this machine has a GPU
        assert run("ingest", str(DATA / "tiny.jsonl"), "--device", "cuda").exit_code == 0
        return
    result = run("ingest", str(DATA / "tiny.jsonl"), "--device", "cuda")
    assert result.exit_code == 69
    assert result.stderr == "assistant: error: device 'cuda': torch finds no CUDA device here; use cpu\n"


def test_the_cpu_path_gives_the_vectors_it_gave_before(embedder):
    """MiniLM on the CPU through `encode` (batches by length, default batch size) equals the
    vectors recorded before the device and batch options existed (tests/data/minilm-cpu-*)."""
    import numpy as np

    texts = json.loads((DATA / "minilm-cpu-reference.json").read_text())
    reference = np.load(DATA / "minilm-cpu-reference.npy")
    vectors = embedder.encode(texts)
    assert embedder.device == "cpu" and embedder.batch_size == 32
    assert np.abs(vectors - reference).max() < 1e-5
    assert (np.sum(vectors * reference, axis=1) > 1 - 1e-6).all()
