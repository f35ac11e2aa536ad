"""`assistant serve` end to end with the real bundled SmolLM2 (in-process, and behind a real
llama_cpp.server), real MiniLM, the bundled index, and the real `openai` client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import openai
import pytest

from assistant.server import create_app
from assistant.service import Assistant
from assistant.settings import Settings

from conftest import LLAMA_KEY
from servers import free_port, running_app, wait_until

pytestmark = pytest.mark.slow
BSP = "What does BSP-Net output?"
BSP_TITLE = "Learning Mesh Representations via Binary Space Partitioning Tree Networks"


def check_grounded(content: str, grounding: dict) -> None:
    assert grounding["refused"] is False and grounding["cut_off"] is False
    cited = {c["ref"]: c for c in grounding["citations"]}
    assert cited, content
    for ref, citation in cited.items():
        assert f"[{ref}]" in content
        assert f"[{ref}] {citation['title']}" in content  # readable without the extra field
        assert citation["evidence"]  # the abstract sentence that supports it
    assert any(c["title"] == BSP_TITLE for c in cited.values())


def test_openai_client_gets_a_grounded_cited_answer_streamed_and_not(bundled_assistant):
    with running_app(create_app(bundled_assistant)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=120)
        messages = [{"role": "user", "content": BSP}]
        reply = client.chat.completions.create(model="abstracts-assistant", messages=messages)
        chunks = list(client.chat.completions.create(model="abstracts-assistant", messages=messages, stream=True))
    message = reply.choices[0].message
    check_grounded(message.content, message.model_extra["grounding"])
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    check_grounded(streamed, chunks[-1].choices[0].delta.model_extra["grounding"])
    assert "polygonal mesh" in streamed.lower()


def test_serve_with_the_model_on_a_llama_cpp_server(llama_server, bundled_index_dir, onnx_dir):
    assistant = Assistant(Settings(index_dir=bundled_index_dir, onnx_dir=onnx_dir, llm_url=llama_server.url,
                                   llm_api_key=LLAMA_KEY))
    with running_app(create_app(assistant)) as url:
        health = httpx.get(f"{url}/healthz", timeout=30).json()
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0, timeout=120)
        reply = client.chat.completions.create(model="abstracts-assistant", messages=[{"role": "user", "content": BSP}])
    message = reply.choices[0].message
    check_grounded(message.content, message.model_extra["grounding"])
    assert message.model_extra["grounding"]["model"].endswith(".gguf")
    assert health["status"] == "ok" and health["papers"] > 100


def test_the_serve_command_starts_answers_and_stops_on_ctrl_c(bundled_index_dir, tmp_path):
    port = free_port()
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(bundled_index_dir), "ASSISTANT_API_KEY": "k3y"}
    log = (tmp_path / "serve.log").open("wb")
    # Ctrl-C as a terminal delivers it, to a process with SIGINT's default disposition: a suite
    # started as a background job inherits SIGINT ignored (POSIX shells without job control), and
    # uvicorn then stops on it but re-raises it into the ignored handler and exits 0.
    process = subprocess.Popen([str(Path(sys.executable).parent / "assistant"), "serve", "--host", "127.0.0.1",
                                "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    url = f"http://127.0.0.1:{port}"
    try:
        def up() -> bool:
            try:
                return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(up, 120, "assistant serve", lambda: process.poll() is None)
        refused = httpx.get(f"{url}/v1/search", params={"q": "meshes"}, timeout=30)
        found = httpx.get(f"{url}/v1/search", params={"q": "polygonal meshes"}, timeout=30,
                          headers={"Authorization": "Bearer k3y"})
    finally:
        process.send_signal(signal.SIGINT)
        code = process.wait(30)
        log.close()
    output = (tmp_path / "serve.log").read_text()
    assert refused.status_code == 401
    assert found.json()["results"][0]["title"] == BSP_TITLE
    assert f"papers on http://127.0.0.1:{port}" in output and "Traceback" not in output
    assert code == 130 and output.endswith("assistant: interrupted\n")  # the documented Ctrl-C exit
