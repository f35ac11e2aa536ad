"""The CLI as a user meets it: exit codes, one-line errors, JSON shapes."""

import json

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli

from conftest import DATA


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_version_names_the_key_libraries():
    result = run("--version")
    assert result.exit_code == 0
    for name in ("llama-cpp-python", "chromadb", "sentence-transformers", "textual"):
        assert name in result.output


def test_missing_file_is_one_line_and_exit_66(tmp_path):
    result = run("ingest", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 66
    assert result.stderr == f"assistant: error: {tmp_path / 'nope.jsonl'}: no such file\n"


def test_unknown_format_is_a_usage_error():
    result = run("ingest", str(DATA / "tiny.jsonl"), "--format", "pdf")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_empty_corpus_is_an_error_and_writes_nothing(tmp_path, assistant_home):
    empty = tmp_path / "empty.jsonl"
    empty.write_text('{"title": "only a title"}\n')
    result = run("ingest", str(empty))
    assert result.exit_code == 65
    assert result.stderr.splitlines() == [
        f"assistant: warning: {empty}:1: missing 'abstract'",
        f"assistant: error: {empty}: no abstracts found (expected records with a title and an abstract)",
    ]
    assert not (assistant_home / "data" / "index" / "chroma").exists()


def test_undetectable_file_names_the_problem(tmp_path):
    blank = tmp_path / "blank.txt"
    blank.write_text("\n\n")
    result = run("ingest", str(blank))
    assert result.exit_code == 65
    assert result.stderr == f"assistant: error: {blank}: empty file; expected abstracts\n"


@pytest.mark.slow  # the real MiniLM embeds, through the CLI
def test_ingest_reports_counts_then_search_json(tmp_path):
    first = run("ingest", str(DATA / "tiny.jsonl"))
    assert first.exit_code == 0
    assert first.output.startswith("added 6, updated 0, unchanged 0, rejected 0")
    assert run("ingest", str(DATA / "tiny.jsonl")).output.startswith("added 0, updated 0, unchanged 6")

    result = run("search", "mesh generation with binary space partitioning", "-k", "3", "--json")
    payload = json.loads(result.output)
    assert payload["query"] == "mesh generation with binary space partitioning"
    assert len(payload["results"]) == 3
    assert set(payload["results"][0]) == {"id", "title", "score"}
    assert payload["results"][0]["title"].startswith("Learning Mesh Representations")

    stats = json.loads(run("index", "stats", "--json").output)
    assert stats["papers"] == 6
    assert run("index", "clear", "--yes").output == "removed 6 papers\n"


def test_bad_setting_from_env_is_reported(monkeypatch):
    monkeypatch.setenv("ASSISTANT_K", "zero")
    result = run("index", "stats")
    assert result.exit_code == 2
    assert result.stderr.startswith("assistant: error: setting 'k':")


def test_bad_history_file_is_a_usage_error(tmp_path):
    history = tmp_path / "h.json"
    history.write_text('{"question": "not a list"}')
    result = run("ask", "what?", "--history", str(history))
    assert result.exit_code == 2
    assert "bad history: expected a JSON array" in result.stderr


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_question_is_refused(value):
    result = run("ask", value)
    assert result.exit_code == 2
    assert result.stderr == "assistant: error: the question is empty\n"
