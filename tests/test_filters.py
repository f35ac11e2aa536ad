"""Metadata filters: years go to Chroma as a where clause, categories are checked on the records."""

import json

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli
from assistant.corpus import Paper
from assistant.retrieval import Filters
from conftest import DATA

DATED = [("2019-06-01", ["cs.CV"]), ("2023-05-01", ["cs.CV", "cs.LG"]), ("2024-02-10", ["cs.CL"]),
         ("2024-08-30", ["cs.CL", "cs.AI"]), ("2020-01-01", ["cs.IR"]), ("2024-03-03", ["cs.CL"])]


def dated_corpus(tmp_path):
    path = tmp_path / "dated.jsonl"
    lines = []
    for (date, categories), line in zip(DATED, (DATA / "tiny.jsonl").read_text().splitlines()):
        record = json.loads(line)
        record.update(date=date, categories=categories)
        lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_filters_match_years_and_categories():
    paper = Paper("x", "t", "a", date="2024-02-10", categories=("cs.CL",))
    assert Filters(2024, 2024).accepts(paper) and not Filters(2025).accepts(paper)
    assert Filters(category="cs").accepts(paper) and not Filters(category="cs.CV").accepts(paper)
    assert not Filters(2020).accepts(Paper("y", "t", "a"))  # no date: a year limit excludes it
    assert Filters(2023, 2024).years == (2023, 2024) and Filters(category="cs").years is None
    assert not Filters() and Filters(category="cs")


@pytest.mark.slow  # the real MiniLM embeds, through the CLI
def test_search_and_ask_respect_filters(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(dated_corpus(tmp_path))]).exit_code == 0

    def titles(*flags):
        result = runner.invoke(cli, ["search", "neural networks and language models", "-k", "6", "--json", *flags])
        assert result.exit_code == 0, result.output
        return [r["title"] for r in json.loads(result.output)["results"]]

    everything = titles()
    assert len(everything) == 6
    recent = titles("--since", "2024")
    assert len(recent) == 3 and all(t in everything for t in recent)
    assert titles("--since", "2023", "--until", "2023") == [t for t in everything if "Context Autoencoder" in t]
    assert titles("--category", "cs.CV") == [t for t in everything if "Binary Space" in t or "Context Autoencoder" in t]
    assert titles("--since", "2030") == []

    refused = runner.invoke(cli, ["ask", "What does BSP-Net output directly?", "--since", "2024", "--json"])
    assert refused.exit_code == 0, refused.output
    payload = json.loads(refused.output)
    assert all("Binary Space" not in s["title"] for s in payload["sources"] + payload["near_misses"])
