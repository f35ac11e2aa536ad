"""`assistant serve` as clients meet it: a real uvicorn server on loopback, real httpx and the
real `openai` client; the service underneath has a real Chroma index with a hashing embedder
and a scripted generator (the real model is in test_server_e2e.py)."""

from __future__ import annotations

import json
import threading

import httpx
import openai
import pytest
from click.testing import CliRunner

from assistant.cli.main import cli
from assistant.errors import ModelUnavailable
from assistant.models.hashing import HashingEmbedder
from assistant.models.scripted import ScriptedGenerator
from assistant.server import ServerOptions, create_app
from assistant.service import Assistant
from assistant.settings import load_settings

from conftest import DATA
from servers import running_app

BSP = "What does BSP-Net output directly?"
REPLY = {"BSP-Net": "BSP-Net directly outputs polygonal meshes [1]."}
TIMEOUT = 30  # seconds any single request may take here; none should come near it


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tiny-index")
    builder = Assistant(load_settings(index_dir=directory), embedder=HashingEmbedder(), generator=ScriptedGenerator())
    builder.ingest(builder.load([DATA / "tiny.jsonl"]))
    return directory


def service(index_dir, generator) -> Assistant:
    return Assistant(load_settings(index_dir=index_dir), embedder=HashingEmbedder(), generator=generator)


@pytest.fixture
def server(tiny_index):
    """URL of a server over the tiny index answering from REPLY."""
    with running_app(create_app(service(tiny_index, ScriptedGenerator(REPLY)))) as url:
        yield url


class Gate:
    """A script that holds the model until released, and says when it has it."""

    def __init__(self, reply: str):
        self.reply = reply
        self.holding = threading.Event()
        self.release = threading.Event()

    def __call__(self, messages) -> str:
        self.holding.set()
        assert self.release.wait(TIMEOUT)
        return self.reply


class Endless:
    """A generator that never finishes on its own (the Generator protocol): only a consumer
    that closes the stream stops it."""

    name, n_ctx, loaded = "endless", 2048, True

    def __init__(self):
        self.lock = threading.RLock()
        self.started = threading.Event()
        self.closed = threading.Event()
        self.produced = 0

    def load(self):
        return None

    def message_tokens(self, messages):
        return sum(len(m["content"].split()) + 8 for m in messages)

    def stream_chat(self, messages, max_tokens, temperature=0.0, grammar=None, stats=None, stop=None):
        with self.lock:
            self.started.set()
            pace = threading.Event()
            try:
                while True:
                    pace.wait(0.002)  # decoding takes time; without it the token queue floods
                    self.produced += 1
                    yield " word"
            finally:
                self.closed.set()


def in_thread(job):
    """Run `job` in a thread; returns (thread, result dict)."""
    result: dict = {}

    def run():
        try:
            result["value"] = job()
        except Exception as error:  # handed to the test, which asserts on it
            result["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


# ---------------------------------------------------------------------------- the API
def test_ask_json_is_the_answer_record(server):
    response = httpx.post(f"{server}/v1/ask", json={"question": BSP}, timeout=TIMEOUT)
    assert response.status_code == 200
    record = response.json()
    assert record["answer"].startswith("BSP-Net directly outputs polygonal meshes [1].")
    assert record["citations"][0]["title"].startswith("Learning Mesh Representations")
    assert record["refused"] is False and record["cut_off"] is False
    assert set(record["timings"]) >= {"ttft_s", "total_s", "prompt_tokens", "completion_tokens"}


def test_ask_streams_tokens_first_then_the_checked_answer(server):
    events = []
    with httpx.stream("POST", f"{server}/v1/ask", json={"question": BSP, "stream": True}, timeout=TIMEOUT) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        name = None
        for line in r.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                events.append((name, json.loads(line[6:])))
    kinds = [k for k, _ in events]
    assert kinds[0] == "retrieved" and kinds[-1] == "answer"
    assert set(kinds[1:-1]) == {"token"} and len(kinds) > 3
    assert "".join(d["text"] for k, d in events if k == "token").strip() == REPLY["BSP-Net"]
    assert events[0][1]["hits"][0]["title"].startswith("Learning Mesh Representations")
    assert events[-1][1]["citations"][0]["ref"] == 1


def test_ask_with_history_rewrites_the_follow_up(server):
    body = {"question": "What does it output?",
            "history": [{"question": BSP, "answer": "Meshes [1].",
                         "cited_titles": ["Learning Mesh Representations via Binary Space Partitioning Tree Networks"]}]}
    record = httpx.post(f"{server}/v1/ask", json=body, timeout=TIMEOUT).json()
    assert "Binary Space Partitioning" in record["standalone_query"]


def test_search_papers_health_and_schema(server):
    search = httpx.get(f"{server}/v1/search", params={"q": "polygonal meshes", "k": 2}, timeout=TIMEOUT).json()
    assert search["query"] == "polygonal meshes" and len(search["results"]) == 2
    top = search["results"][0]
    assert top["title"].startswith("Learning Mesh Representations")
    paper = httpx.get(f"{server}/v1/papers/{top['id']}", timeout=TIMEOUT).json()
    assert paper["id"] == top["id"] and "Polygonal meshes are ubiquitous" in paper["abstract"]
    assert "source" not in paper
    missing = httpx.get(f"{server}/v1/papers/no-such-paper", timeout=TIMEOUT)
    assert missing.status_code == 404 and missing.json()["error"]["param"] == "paper_id"
    health = httpx.get(f"{server}/healthz", timeout=TIMEOUT).json()
    assert health == {"status": "ok", "papers": 6, "model": "scripted", "model_loaded": True, "asks_in_flight": 0}
    schema = httpx.get(f"{server}/openapi.json", timeout=TIMEOUT).json()
    assert {"/v1/ask", "/v1/search", "/v1/papers/{paper_id}", "/v1/ingest", "/healthz", "/v1/chat/completions",
            "/v1/models"} <= set(schema["paths"])
    # The interactive docs would load scripts from a CDN: not served.
    assert httpx.get(f"{server}/docs", timeout=TIMEOUT).status_code == 404


def test_ingest_upload_reports_progress_and_rejections(tmp_path):
    upload = tmp_path / "mine.jsonl"
    upload.write_text((DATA / "tiny.jsonl").read_text() + '{"title": "only a title"}\n')
    app = create_app(service(tmp_path / "idx", ScriptedGenerator(REPLY)))
    with running_app(app) as url:
        events = []
        with httpx.stream("POST", f"{url}/v1/ingest", params={"stream": "true"}, timeout=TIMEOUT,
                          files={"file": ("mine.jsonl", upload.read_bytes())}) as r:
            assert r.status_code == 200
            name = None
            for line in r.iter_lines():
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    events.append((name, json.loads(line[6:])))
        again = httpx.post(f"{url}/v1/ingest", files={"file": ("mine.jsonl", upload.read_bytes())}, timeout=TIMEOUT)
        empty = httpx.post(f"{url}/v1/ingest", files={"file": ("../../etc/x.jsonl", b'{"title": "t"}\n')},
                           timeout=TIMEOUT)
        answered = httpx.post(f"{url}/v1/ask", json={"question": BSP}, timeout=TIMEOUT).json()
    kinds = [k for k, _ in events]
    assert kinds[0] == "rejected" and kinds[-1] == "done" and "progress" in kinds
    assert events[0][1] == {"where": "mine.jsonl:7", "reason": "missing 'abstract'"}
    assert events[-1][1]["report"]["added"] == 6 and events[-1][1]["papers"] == 6
    assert again.status_code == 200 and again.json()["report"]["unchanged"] == 6
    assert empty.status_code == 400
    assert empty.json()["error"]["message"] == "x.jsonl: no abstracts found (expected records with a title and an abstract)"
    assert answered["citations"]  # what was uploaded is answered from at once


# ---------------------------------------------------------------------------- what waits for what
def test_a_search_is_answered_while_an_ask_holds_the_model(tiny_index):
    gate = Gate(REPLY["BSP-Net"])
    with running_app(create_app(service(tiny_index, ScriptedGenerator(gate)))) as url:
        asking, asked = in_thread(lambda: httpx.post(f"{url}/v1/ask", json={"question": BSP}, timeout=TIMEOUT))
        assert gate.holding.wait(TIMEOUT)  # the ask is generating: it holds the model
        try:
            search = httpx.get(f"{url}/v1/search", params={"q": "sparse autoencoders"}, timeout=TIMEOUT)
            paper = httpx.get(f"{url}/v1/papers/{search.json()['results'][0]['id']}", timeout=TIMEOUT)
            health = httpx.get(f"{url}/healthz", timeout=TIMEOUT)
            assert search.status_code == paper.status_code == health.status_code == 200
            assert health.json()["asks_in_flight"] == 1
            assert asking.is_alive()  # ...and all of that while the ask still waits for the model
        finally:
            gate.release.set()
        asking.join(TIMEOUT)
    assert asked["value"].status_code == 200 and asked["value"].json()["citations"]


def test_asks_queue_for_the_model_and_each_gets_its_answer(tiny_index):
    gate = Gate(REPLY["BSP-Net"])
    with running_app(create_app(service(tiny_index, ScriptedGenerator(gate)))) as url:
        jobs = [in_thread(lambda: httpx.post(f"{url}/v1/ask", json={"question": BSP}, timeout=TIMEOUT))
                for _ in range(3)]
        assert gate.holding.wait(TIMEOUT)
        gate.release.set()
        for thread, _ in jobs:
            thread.join(TIMEOUT)
    assert [result["value"].status_code for _, result in jobs] == [200, 200, 200]


def test_a_client_that_disconnects_mid_stream_frees_the_model(tiny_index):
    endless = Endless()
    assistant = service(tiny_index, endless)
    with running_app(create_app(assistant)) as url:
        with httpx.stream("POST", f"{url}/v1/ask", json={"question": BSP, "stream": True}, timeout=TIMEOUT) as r:
            for line in r.iter_lines():
                if line.startswith("event: token"):
                    break  # one token seen: the model is generating; now the client leaves
        assert endless.closed.wait(TIMEOUT), "generation went on after the client left"
        assert endless.lock.acquire(timeout=TIMEOUT)  # the model is free
        endless.lock.release()
        produced = endless.produced
        # The next question gets the model (it runs until its own client leaves, too).
        endless.started.clear()
        with httpx.stream("POST", f"{url}/v1/ask", json={"question": BSP, "stream": True}, timeout=TIMEOUT) as r:
            for line in r.iter_lines():
                if line.startswith("event: token"):
                    break
        assert endless.started.is_set()
    assert produced < 100_000


def test_a_json_client_that_disconnects_frees_the_model(tiny_index):
    endless = Endless()
    with running_app(create_app(service(tiny_index, endless))) as url:
        asking, asked = in_thread(lambda: httpx.post(f"{url}/v1/ask", json={"question": BSP}, timeout=1.0))
        assert endless.started.wait(TIMEOUT)
        asking.join(TIMEOUT)  # the client gives up (read timeout) and closes its connection
        assert isinstance(asked.get("error"), httpx.ReadTimeout)
        assert endless.closed.wait(TIMEOUT), "generation went on after the client left"


def test_too_many_waiting_asks_get_503_with_retry_after(tiny_index):
    gate = Gate(REPLY["BSP-Net"])
    app = create_app(service(tiny_index, ScriptedGenerator(gate)), ServerOptions(max_queued=1))
    with running_app(app) as url:
        asking, _ = in_thread(lambda: httpx.post(f"{url}/v1/ask", json={"question": BSP}, timeout=TIMEOUT))
        assert gate.holding.wait(TIMEOUT)
        try:
            busy = httpx.post(f"{url}/v1/ask", json={"question": BSP}, timeout=TIMEOUT)
        finally:
            gate.release.set()
        asking.join(TIMEOUT)
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    assert "already waiting for the model" in busy.json()["error"]["message"]


class Broken(ScriptedGenerator):
    def stream_chat(self, *args, **kwargs):
        raise ModelUnavailable("cannot reach the model server at http://gpu-box:8080/v1 (connection refused)")
        yield  # a generator, like the real ones


def test_model_unavailable_is_503_json_and_an_error_event(tiny_index):
    with running_app(create_app(service(tiny_index, Broken()))) as url:
        plain = httpx.post(f"{url}/v1/ask", json={"question": BSP}, timeout=TIMEOUT)
        streamed = httpx.post(f"{url}/v1/ask", json={"question": BSP, "stream": True}, timeout=TIMEOUT)
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        with pytest.raises(openai.APIStatusError) as raised:
            client.chat.completions.create(model="abstracts-assistant", messages=[{"role": "user", "content": BSP}])
        with pytest.raises(openai.APIError, match="cannot reach the model server"):
            for _ in client.chat.completions.create(model="abstracts-assistant", stream=True,
                                                    messages=[{"role": "user", "content": BSP}]):
                pass
    assert plain.status_code == 503
    assert plain.json()["error"] == {"message": "cannot reach the model server at http://gpu-box:8080/v1 "
                                     "(connection refused)", "type": "unavailable", "param": None, "code": 503}
    assert 'event: error\ndata: {"error": {"message": "cannot reach the model server' in streamed.text
    assert raised.value.status_code == 503 and "cannot reach the model server" in raised.value.message


# ---------------------------------------------------------------------------- OpenAI-compatible
def test_openai_client_reads_the_answer_and_its_citations(server):
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0)
    assert [m.id for m in client.models.list()] == ["abstracts-assistant"]
    reply = client.chat.completions.create(model="abstracts-assistant",
                                           messages=[{"role": "system", "content": "Be brief."},
                                                     {"role": "user", "content": BSP}])
    message = reply.choices[0].message
    answer, references = message.content.split("\n\nReferences:\n")
    assert answer.startswith(REPLY["BSP-Net"])  # the checked answer, citing as [n]...
    assert references == "[1] Learning Mesh Representations via Binary Space Partitioning Tree Networks"
    grounding = message.model_extra["grounding"]
    assert grounding["citations"][0]["evidence"].startswith("BSP-Net directly outputs polygonal meshes")
    assert grounding["refused"] is False and grounding["sources"][0]["ref"] == 1
    assert reply.usage.completion_tokens > 0


def test_openai_client_streamed_gets_the_same_text_and_the_grounding_last(server):
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0)
    messages = [{"role": "user", "content": BSP}]
    plain = client.chat.completions.create(model="abstracts-assistant", messages=messages)
    chunks = list(client.chat.completions.create(model="abstracts-assistant", messages=messages, stream=True,
                                                 stream_options={"include_usage": True}))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == plain.choices[0].message.content
    final = [c for c in chunks if c.choices][-1]
    assert final.choices[0].finish_reason == "stop"
    assert final.choices[0].delta.model_extra["grounding"]["citations"][0]["ref"] == 1
    assert chunks[-1].usage.completion_tokens > 0


def test_openai_refusal_names_the_closest_papers(tiny_index):
    with running_app(create_app(service(tiny_index, ScriptedGenerator(REPLY)))) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        reply = client.chat.completions.create(
            model="abstracts-assistant", messages=[{"role": "user", "content": "Who won the 1998 football world cup?"}])
    message = reply.choices[0].message
    assert message.model_extra["grounding"]["refused"] is True
    assert message.content.startswith("The indexed abstracts do not cover this question.")
    assert "Closest papers" in message.content


def test_openai_history_follow_up_uses_the_cited_titles(server):
    client = openai.OpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0)
    first = client.chat.completions.create(model="abstracts-assistant", messages=[{"role": "user", "content": BSP}])
    follow = client.chat.completions.create(model="abstracts-assistant", messages=[
        {"role": "user", "content": BSP},
        {"role": "assistant", "content": first.choices[0].message.content},
        {"role": "user", "content": [{"type": "text", "text": "What does it output?"}]},
    ])
    query = follow.choices[0].message.model_extra["grounding"]["standalone_query"]
    assert query == ("What does it output (regarding: Learning Mesh Representations via Binary Space "
                     "Partitioning Tree Networks)?")


# ---------------------------------------------------------------------------- safe by default
@pytest.mark.parametrize("body, status, param, message", [
    (b'{"question": ', 400, "body", "the body is not valid JSON"),
    (b'{"question": 5}', 422, "question", "question: Input should be a valid string"),
    (b'{}', 422, "question", "question: Field required"),
    (b'{"question": "x", "k": "five"}', 422, "k", "k: Input should be a valid integer"),
    (b'{"question": "x", "k": 500}', 422, "k", "k: Input should be less than or equal to 50"),
    (b'{"question": "x", "colour": "red"}', 422, "colour", "colour: Extra inputs are not permitted"),
    (b'["question"]', 422, "body", "body: Input should be a valid dictionary"),
    (b'{"question": "x", "history": [{"answer": "y"}]}', 422, "history.0.str", None),
])
def test_malformed_requests_get_a_4xx_naming_the_field(server, body, status, param, message):
    response = httpx.post(f"{server}/v1/ask", content=body, headers={"content-type": "application/json"},
                          timeout=TIMEOUT)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["param"] == param and error["code"] == status
    if message:
        assert error["message"].startswith(message)


def test_malformed_openai_requests(server):
    cases = [
        ({"model": "m", "messages": []}, 422, "messages"),
        ({"messages": [{"role": "user", "content": "q"}]}, 422, "model"),
        ({"model": "m", "messages": [{"role": "wizard", "content": "q"}]}, 422, "messages.0.role"),
        ({"model": "m", "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
         400, "messages"),
    ]
    for body, status, param in cases:
        response = httpx.post(f"{server}/v1/chat/completions", json=body, timeout=TIMEOUT)
        assert (response.status_code, response.json()["error"]["param"]) == (status, param), body


def test_huge_bodies_are_refused_with_413(server):
    huge = b'{"question": "' + b"x" * (2 << 20) + b'"}'
    declared = httpx.post(f"{server}/v1/ask", content=huge, headers={"content-type": "application/json"},
                          timeout=TIMEOUT)
    assert declared.status_code == 413 and declared.json()["error"]["type"] == "request_too_large"

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(40):
            yield b"x" * 65536

    streamed = httpx.post(f"{server}/v1/ask", content=chunks(), headers={"content-type": "application/json"},
                          timeout=TIMEOUT)
    assert streamed.status_code == 413 and "over 1048576 bytes" in streamed.json()["error"]["message"]


def test_uploads_over_the_limit_are_refused_and_nothing_is_written(tmp_path):
    assistant = service(tmp_path / "idx", ScriptedGenerator(REPLY))
    with running_app(create_app(assistant, ServerOptions(max_upload=4096))) as url:
        response = httpx.post(f"{url}/v1/ingest", files={"file": ("big.jsonl", (DATA / "tiny.jsonl").read_bytes())},
                              timeout=TIMEOUT)
    assert response.status_code == 413 and "over 4096 bytes" in response.json()["error"]["message"]
    assert assistant.index.count() == 0


def test_an_api_key_is_required_when_set(tiny_index):
    app = create_app(service(tiny_index, ScriptedGenerator(REPLY)), ServerOptions(api_key="s3cret"))
    with running_app(app) as url:
        missing = httpx.get(f"{url}/v1/search", params={"q": "meshes"}, timeout=TIMEOUT)
        wrong = httpx.get(f"{url}/v1/search", params={"q": "meshes"}, timeout=TIMEOUT,
                          headers={"Authorization": "Bearer guess"})
        right = httpx.get(f"{url}/v1/search", params={"q": "meshes"}, timeout=TIMEOUT,
                          headers={"Authorization": "Bearer s3cret"})
        health = httpx.get(f"{url}/healthz", timeout=TIMEOUT)
        schema = httpx.get(f"{url}/openapi.json", timeout=TIMEOUT)
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=f"{url}/v1", api_key="guess", max_retries=0).models.list()
        models = openai.OpenAI(base_url=f"{url}/v1", api_key="s3cret", max_retries=0).models.list()
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json()["error"]["message"].startswith("missing API key")
    assert wrong.status_code == 401 and wrong.json()["error"]["message"] == "wrong API key"
    assert right.status_code == 200 and health.status_code == 200 and schema.status_code == 401
    assert [m.id for m in models] == ["abstracts-assistant"]


def test_cors_is_off_unless_origins_are_given(tiny_index, server):
    origin = {"Origin": "http://evil.example"}
    plain = httpx.get(f"{server}/v1/search", params={"q": "meshes"}, headers=origin, timeout=TIMEOUT)
    assert "access-control-allow-origin" not in plain.headers
    app = create_app(service(tiny_index, ScriptedGenerator(REPLY)),
                     ServerOptions(cors_origins=("http://lab.example",)))
    with running_app(app) as url:
        allowed = httpx.get(f"{url}/v1/search", params={"q": "meshes"}, timeout=TIMEOUT,
                            headers={"Origin": "http://lab.example"})
        other = httpx.get(f"{url}/v1/search", params={"q": "meshes"}, headers=origin, timeout=TIMEOUT)
    assert allowed.headers["access-control-allow-origin"] == "http://lab.example"
    assert "access-control-allow-origin" not in other.headers


def test_binding_beyond_loopback_needs_an_api_key():
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr == ("assistant: error: binding 0.0.0.0 exposes the assistant beyond this machine: give "
                             "--api-key (or ASSISTANT_API_KEY), which every request must then send as a bearer "
                             "token\n")
