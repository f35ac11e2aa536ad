"""Prompts and the bundled corpus are found where an installed package looks for them."""

import subprocess
import sys
import zipfile

import pytest

from assistant.answering.prompts import prompts_dir, render
from assistant.corpus import bundled_corpus_dir


def test_prompt_templates_are_found_and_rendered():
    assert (prompts_dir() / "system.md").exists()
    text = render("answer", sources="[1] T: x", question="Why {braces}?")
    assert text.endswith("Question: Why {braces}?")


def test_bundled_corpus_ships_in_the_package():
    assert len(list(bundled_corpus_dir().glob("*.txt"))) == 5


@pytest.mark.slow
def test_wheel_contains_prompts_and_seeds(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), "."],
        check=True,
    )
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "assistant/prompts/system.md" in names
    assert sum(n.startswith("assistant/data/seeds/") for n in names) == 5


def test_core_import_does_not_load_ui_or_heavy_libraries():
    code = (
        "import sys, assistant.service, assistant.cli.main;"
        "heavy = [m for m in ('textual', 'torch', 'chromadb', 'llama_cpp', 'sentence_transformers') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
