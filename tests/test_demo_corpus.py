"""The bundled corpus is a first-run demo, never mixed into a user's data.

It goes only into an index nobody has filled; the user's first ingest replaces it; an empty
user index (an interrupted first ingest, `index clear`) makes `ask` and `search` say how to
ingest, one line, exit 69. The last test interrupts a real first ingest with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli
from assistant.corpus import bundled_corpus_dir, load_corpus
from assistant.errors import IndexUnavailable
from assistant.models.hashing import HashingEmbedder
from assistant.models.scripted import ScriptedGenerator
from assistant.service import Assistant
from assistant.settings import load_settings

from conftest import DATA
from terminal import assistant_command, readable, script_env

DEMO_PAPERS = len(load_corpus([bundled_corpus_dir()]).papers)
EMPTY = "no papers in the index"


def fast_assistant(index) -> Assistant:
    return Assistant(load_settings(index_dir=index), embedder=HashingEmbedder(),
                     generator=ScriptedGenerator("Polygonal meshes [1]."))


def test_a_fresh_index_gets_the_demo_and_the_first_ingest_replaces_it(tmp_path):
    assistant = fast_assistant(tmp_path / "idx")
    assert assistant.demo_due()
    assert assistant.ensure_index().added == DEMO_PAPERS and assistant.holds_demo()
    assert assistant.ensure_index() is None  # once

    report = assistant.ingest(assistant.load([DATA / "tiny.jsonl"]))
    assert report.added == 6
    assert assistant.stats()["papers"] == 6  # the user's papers only
    assert not assistant.holds_demo()


def test_an_empty_user_index_is_never_filled_with_the_demo(tmp_path):
    index = tmp_path / "idx"
    assistant = fast_assistant(index)
    assistant.ingest(assistant.load([DATA / "tiny.jsonl"]))
    assistant.clear()  # `index clear`: emptied on purpose
    again = fast_assistant(index)  # a new process
    assert not again.demo_due() and again.ensure_index() is None
    assert again.stats()["papers"] == 0
    for call in (lambda: again.search("meshes"), lambda: again.ask("What does BSP-Net output?")):
        with pytest.raises(IndexUnavailable, match=EMPTY):
            call()


@pytest.mark.slow  # ask starts loading the real SmolLM2 and MiniLM
def test_ask_and_search_on_an_empty_user_index_say_how_to_ingest(tmp_path):
    index = tmp_path / "idx"
    runner = CliRunner()
    assert runner.invoke(cli, ["--index-dir", str(index), "index", "clear", "--yes"]).exit_code == 0
    for args in (["search", "meshes"], ["ask", "What does BSP-Net output?"]):
        result = runner.invoke(cli, ["--index-dir", str(index), *args])
        assert result.exit_code == 69, result.output
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"assistant: error: {EMPTY}")
        assert "`assistant ingest FILE...`" in lines[0]


def test_an_ingest_that_adds_nothing_leaves_the_demo_in_place(tmp_path):
    assistant = fast_assistant(tmp_path / "idx")
    assistant.ensure_index()
    empty = tmp_path / "empty.jsonl"
    empty.write_text(json.dumps({"title": "no abstract"}) + "\n")
    assistant.ingest(assistant.load([empty]))
    assert assistant.holds_demo() and assistant.stats()["papers"] == DEMO_PAPERS


def synthetic_papers(path, n: int) -> None:
    topics = ["graph neural networks", "speech recognition", "protein folding", "robot grasping"]
    with path.open("w") as out:
        for i in range(n):
            topic = topics[i % len(topics)]
            out.write(json.dumps({
                "id": f"2501.{i:05d}", "title": f"Study {i} of {topic}",
                "abstract": f"We study {topic} in setting {i}. Our method improves accuracy by {i % 9 + 1} points "
                            f"on a benchmark of {topic}. Code is released.",
            }) + "\n")


@pytest.mark.slow
def test_an_interrupted_first_ingest_never_brings_the_demo_in(tmp_path):
    """`assistant ingest` of the user's own file, killed (SIGKILL) while it embeds; then
    `search` says how to ingest instead of indexing the demo; the re-run ends with the
    user's papers only."""
    mine = tmp_path / "mine.jsonl"
    synthetic_papers(mine, 60)
    index = tmp_path / "idx"
    env = script_env()
    base = [assistant_command(), "--index-dir", str(index)]

    # The progress line ("... read, n/m embedded") goes to stderr once the ingest reads: kill then.
    master, slave = os.openpty()  # a terminal, so rich draws the bar at once
    ingest = subprocess.Popen(base + ["ingest", str(mine)], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                              env=env, start_new_session=True)
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 300
    try:
        while b"embedded" not in seen:
            assert time.monotonic() < deadline, seen
            assert ingest.poll() is None, f"the ingest ended before it could be killed: {seen!r}"
            if readable(master, 0.5):
                seen += os.read(master, 65536)
        os.killpg(ingest.pid, signal.SIGKILL)
        assert ingest.wait(timeout=60) == -signal.SIGKILL
    finally:
        os.close(master)
        if ingest.poll() is None:
            ingest.kill()

    searched = subprocess.run(base + ["search", "protein folding"], capture_output=True, text=True, env=env,
                              timeout=300)
    assert searched.returncode == 69, searched.stderr
    assert searched.stderr.startswith(f"assistant: error: {EMPTY}") and "demo" not in searched.stderr
    stats = subprocess.run(base + ["index", "stats", "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert json.loads(stats.stdout)["papers"] < 60  # nothing added behind the user's back

    rerun = subprocess.run(base + ["ingest", str(mine), "--json"], capture_output=True, text=True, env=env,
                           timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["papers"] == 60  # the user's papers, and no demo paper among them
    found = subprocess.run(base + ["search", "protein folding", "--json"], capture_output=True, text=True, env=env,
                           timeout=300)
    assert found.returncode == 0
    assert all(r["id"].startswith("2501.") for r in json.loads(found.stdout)["results"])
