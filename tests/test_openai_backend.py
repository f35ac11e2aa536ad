"""The OpenAI-compatible generator backend against a real `python -m llama_cpp.server` serving the
bundled SmolLM2 on loopback, and its failures: each one line, exit 69."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli
from assistant.errors import ModelUnavailable
from assistant.models.openai_server import OpenAIServerGenerator
from assistant.service import Assistant
from assistant.settings import Settings

from conftest import LLAMA_KEY
from servers import CuttingProxy, free_port, silent_port

pytestmark = pytest.mark.slow
BSP = "What does BSP-Net output?"


def remote_assistant(index_dir, onnx_dir, url, **settings) -> Assistant:
    return Assistant(Settings(index_dir=index_dir, onnx_dir=onnx_dir, llm_url=url, llm_api_key=LLAMA_KEY,
                              **settings))


def ask_cli(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_answers_through_the_server_with_the_same_pipeline(llama_server, bundled_index_dir, onnx_dir):
    assistant = remote_assistant(bundled_index_dir, onnx_dir, llama_server.url)
    tokens: list[str] = []
    answer = assistant.ask(BSP, on_token=tokens.append)
    assert len(tokens) > 1  # streamed, piece by piece
    assert not answer.refused and not answer.cut_off
    assert answer.citations and answer.citations[0].paper.title.startswith("Learning Mesh Representations")
    assert "polygonal mesh" in answer.text.lower() and re.search(r"\[1\]", answer.text)
    assert answer.model.endswith(".gguf")  # the name the server lists, found in /v1/models
    assert answer.timings.ttft_s is not None and answer.timings.completion_tokens == len(tokens)


def test_prompt_tokens_are_counted_by_the_server_as_in_process(llama_server, bundled_assistant):
    remote = OpenAIServerGenerator(llama_server.url, LLAMA_KEY)
    messages = [{"role": "system", "content": "You answer from abstracts."},
                {"role": "user", "content": "Sources:\n[1] BSP-Net outputs polygonal meshes.\nQuestion: what?"}]
    assert remote.counts_exactly  # llama_cpp.server's /extras/tokenize/count was found
    assert remote.message_tokens(messages) == bundled_assistant.generator.message_tokens(messages)


def test_cli_llm_url_flag_and_key_from_the_environment(llama_server, bundled_index_dir):
    result = ask_cli("--index-dir", str(bundled_index_dir), "--llm-url", llama_server.url, "ask", BSP, "--json",
                     env={"ASSISTANT_LLM_API_KEY": LLAMA_KEY})
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["cut_off"] is False and payload["citations"]
    assert payload["model"].endswith(".gguf")


def test_a_stream_that_stops_midway_keeps_what_came_marked_cut_off(llama_server, bundled_index_dir, onnx_dir):
    proxy = CuttingProxy(llama_server.port, chunks=4)
    try:
        assistant = remote_assistant(bundled_index_dir, onnx_dir, f"http://127.0.0.1:{proxy.port}/v1")
        tokens: list[str] = []
        answer = assistant.ask(BSP, on_token=tokens.append)
    finally:
        proxy.close()
    assert proxy.cuts == 1
    assert answer.cut_off and answer.record().cut_off and answer.to_json()["cut_off"] is True
    assert 1 <= len(tokens) < 4  # what came before the cut was streamed and kept
    assert "broke off the answer after" in answer.timings.cut_off
    # What is left is still a checked answer: the lead evidence, cited.
    assert answer.citations and "[1]" in answer.text


def test_cli_cut_off_prints_the_answer_then_one_line_exit_69(llama_server, bundled_index_dir):
    proxy = CuttingProxy(llama_server.port, chunks=4)
    try:
        result = ask_cli("--index-dir", str(bundled_index_dir), "--llm-url", f"http://127.0.0.1:{proxy.port}/v1",
                         "ask", BSP, "--json", env={"ASSISTANT_LLM_API_KEY": LLAMA_KEY})
    finally:
        proxy.close()
    assert result.exit_code == 69
    assert json.loads(result.stdout)["cut_off"] is True
    assert len(result.stderr.splitlines()) == 1
    assert re.match(r"assistant: error: the model server at http://127\.0\.0\.1:\d+/v1 broke off the answer "
                    r"after \d+ tokens \(.+\); the answer is cut off$", result.stderr.strip())


@pytest.mark.parametrize("case", ["down", "wrong url", "401", "timeout"])
def test_failures_are_one_line_and_exit_69(case, llama_server, bundled_index_dir):
    env = {"ASSISTANT_LLM_API_KEY": LLAMA_KEY}
    with silent_port() as hung:
        url = {
            "down": f"http://127.0.0.1:{free_port()}/v1",
            "wrong url": llama_server.url.removesuffix("/v1"),
            "401": llama_server.url,
            "timeout": f"http://127.0.0.1:{hung}/v1",
        }[case]
        if case == "401":
            env["ASSISTANT_LLM_API_KEY"] = "not-the-key"
        if case == "timeout":
            env["ASSISTANT_LLM_TIMEOUT"] = "0.5"
        result = ask_cli("--index-dir", str(bundled_index_dir), "--llm-url", url, "ask", BSP, env=env)
    expected = {
        "down": f"cannot reach the model server at {url} (",
        "wrong url": f"{url}/models not found (HTTP 404): the URL must be the server's OpenAI base URL",
        "401": f"the model server at {url} refused the request (HTTP 401): check ASSISTANT_LLM_API_KEY",
        "timeout": f"the model server at {url} did not answer within 0.5 s",
    }[case]
    assert result.exit_code == 69, result.output
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("assistant: error: " + expected), result.stderr


def test_the_model_name_can_be_given(llama_server):
    generator = OpenAIServerGenerator(llama_server.url, LLAMA_KEY, model="smollm2-alias")
    generator.load()
    assert generator.name == "smollm2-alias"


def test_server_errors_never_bring_a_traceback():
    with pytest.raises(ModelUnavailable, match=r"^cannot reach the model server at http://127\.0\.0\.1:\d+/v1"):
        OpenAIServerGenerator(f"http://127.0.0.1:{free_port()}/v1").load()
