"""The offline guarantee as a test: ingest, ask and the chat run as real processes (real MiniLM,
Chroma, SmolLM2, the Textual app) with every name lookup and network connection refused and
logged (tests/offline/sitecustomize.py). Any attempt — telemetry, a model hub, an update check —
fails the test, even one the program would have survived."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from terminal import assistant_command, python, script_env

pytestmark = pytest.mark.slow
DATA = Path(__file__).parent / "data"
GUARD = Path(__file__).parent / "offline"


def offline_env(tmp_path: Path, log: Path) -> dict:
    env = script_env(ASSISTANT_HOME=str(tmp_path / "home"), ASSISTANT_INDEX_DIR=str(tmp_path / "idx"),
                     OFFLINE_GUARD_LOG=str(log))
    env["PYTHONPATH"] = str(GUARD) + os.pathsep + env["PYTHONPATH"]
    return env


def test_the_guard_refuses_and_logs_a_connection(tmp_path):
    log = tmp_path / "net.log"
    probe = "import socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError:\n    pass"
    subprocess.run([python(), "-c", probe], env=offline_env(tmp_path, log), check=True, timeout=60)
    assert "127.0.0.1" in log.read_text()


def test_ingest_ask_and_chat_attempt_no_connection(tmp_path):
    log = tmp_path / "net.log"
    env = offline_env(tmp_path, log)

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([assistant_command(), *args], capture_output=True, text=True, env=env, timeout=600)
        assert done.returncode == 0, done.stderr
        return done

    run("ingest", str(DATA / "tiny.jsonl"))
    answer = json.loads(run("ask", "What does BSP-Net output?", "--json").stdout)
    assert answer["sources"]
    chat = subprocess.run([python(), "-m", "chat_driver", "ask", "How are meshes represented by BSP-Net?"],
                          capture_output=True, text=True, env=env, timeout=600)
    assert chat.returncode == 0, chat.stdout + chat.stderr
    assert json.loads(chat.stdout.splitlines()[-1])["status"] != "pending"
    assert not log.exists(), log.read_text()
