"""The chat as a process that can die: a SIGKILL mid-answer loses nothing (the question is
there after a restart, and Ctrl+R answers it), and an `assistant ingest` running in another
process on the same index never makes a paper that is there look gone.

Real processes, real models (MiniLM, SmolLM2), the real chat driven by Textual's autopilot
(tests/chat_driver.py).
"""

from __future__ import annotations

import json
import signal
import subprocess
import threading

import pytest

from assistant.chat.store import ChatStore
from assistant.paths import user_paths

from terminal import assistant_command, python, script_env

pytestmark = pytest.mark.slow
QUESTION = "What does BSP-Net output directly?"


def driver(*args: str, env: dict, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([python(), "-m", "chat_driver", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, **kwargs)


def test_a_chat_killed_mid_answer_keeps_the_question_and_ctrl_r_answers_it(bundled_index_dir):
    env = script_env(ASSISTANT_INDEX_DIR=str(bundled_index_dir))
    chat = driver("ask", QUESTION, "--stall", env=env)
    try:
        line = chat.stdout.readline()  # blocks until the answer streams (or the driver fails)
        assert line.startswith("STREAMING "), line + chat.stdout.read() + chat.stderr.read()
        chat_id, turn_id = map(int, line.split()[1:])
        chat.send_signal(signal.SIGKILL)
        assert chat.wait(timeout=60) == -signal.SIGKILL
    finally:
        if chat.poll() is None:
            chat.kill()
            chat.wait()

    store = ChatStore(user_paths().chats_db)
    [turn] = store.turns(chat_id)
    assert (turn.id, turn.question, turn.status, turn.answer) == (turn_id, QUESTION, "pending", None)
    store.close()

    rerun = subprocess.run([python(), "-m", "chat_driver", "rerun", str(chat_id)], capture_output=True, text=True,
                           env=env, timeout=600)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    result = json.loads(rerun.stdout.strip().splitlines()[-1])
    assert result["before"]["status"] == "pending" and "Ctrl+R asks again" in result["before"]["note"]
    after = result["after"]
    assert after["status"] == "done" and not after["refused"] and after["citations"], after
    assert result["views"] == 1  # the same turn answered, not a new one

    store = ChatStore(user_paths().chats_db)
    [turn] = store.turns(chat_id)
    assert turn.status == "done" and turn.answer.citations and "mesh" in turn.answer.answer.lower()
    store.close()


@pytest.mark.asyncio
async def test_the_chat_stays_usable_while_another_process_ingests_into_its_index(tmp_path, embedder, onnx_dir):
    """Every paper the chat opens while `assistant ingest` runs on the same index (and swaps
    the read side under it) is shown; a question asked meanwhile is answered; afterwards the
    new papers are there too."""
    import os

    from assistant.corpus import bundled_corpus_dir, load_corpus
    from assistant.index import PaperIndex
    from assistant.paths import Paths
    from assistant.service import Assistant
    from assistant.settings import Settings
    from assistant.tui.app import ChatApp
    from assistant.tui.widgets import TurnView

    from conftest import DATA

    index = tmp_path / "idx"
    mine = load_corpus([DATA / "tiny.jsonl"]).papers
    PaperIndex(index, embedder).ingest(mine)
    assistant = Assistant(Settings(index_dir=index, n_threads=os.cpu_count() or 2, onnx_dir=onnx_dir),
                          Paths(tmp_path / "config", tmp_path / "data", tmp_path / "cache"))
    assistant.ingest_embedder = assistant.index.embedder = embedder
    app = ChatApp(assistant.settings, user_paths(), export_dir=tmp_path, assistant=assistant)
    panel_text = lambda: str(app.query_one("#paper-body").render())  # noqa: E731
    counts: list[int] = []

    async def open_each_paper() -> None:
        counts.append(assistant.stats()["papers"])
        for paper in mine:
            app.open_paper(paper.id, None, paper.title)
            shown = panel_text()
            assert "no longer in the index" not in shown and paper.title in shown, (paper.id, counts[-1])

    # Beside the chat's own lookups, the same lookup in a tight loop from a worker thread (as the
    # chat's answer worker reads papers): the swap at the end of the ingest lasts milliseconds.
    missing: list[tuple[int, str]] = []
    stop = threading.Event()

    lookups_during_ingest = 0

    def look_up_in_a_loop() -> None:
        nonlocal lookups_during_ingest
        ids = [p.id for p in mine]
        while not stop.is_set():
            lookups_during_ingest += ingest.poll() is None
            found = assistant.papers(ids)
            missing.extend((assistant.stats()["papers"], pid) for pid in ids if pid not in found)

    async with app.run_test(size=(150, 45)) as pilot:
        while not app.ready.is_set():
            await pilot.pause(0.1)
        await open_each_paper()  # before the ingest: the user's papers only
        ingest = subprocess.Popen(
            [assistant_command(), "--index-dir", str(index), "ingest", str(bundled_corpus_dir())],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=script_env())
        looker = threading.Thread(target=look_up_in_a_loop, daemon=True)
        looker.start()
        try:
            await pilot.click("#question")
            await pilot.press(*QUESTION, "enter")
            while ingest.poll() is None or app.answering:
                await open_each_paper()
                await pilot.pause(0.05)
            assert ingest.returncode == 0, ingest.stderr.read()
            await open_each_paper()
        finally:
            stop.set()
            looker.join()
            if ingest.poll() is None:
                ingest.kill()
                ingest.wait()
        assert missing == []
        view = app.query(TurnView).last()
        assert view.status == "done" and view.answer.citations, view.answer
        demo = load_corpus([bundled_corpus_dir()]).papers[0]
        app.open_paper(demo.id, None, demo.title)
        assert demo.title in panel_text() and "no longer" not in panel_text()
    # Lookups before the ingest, all through it (the chat's own ones may wait on a busy machine:
    # the thread's never do), and after the swap.
    assert counts[0] == len(mine) and counts[-1] > len(mine) and lookups_during_ingest > 0
