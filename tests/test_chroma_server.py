"""Client/server mode: a real `chroma run` server shared by two clients with their own read sides."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli
from assistant.corpus import load_corpus
from assistant.errors import IndexUnavailable
from assistant.index import PaperIndex

from conftest import DATA


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("localhost", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    log = (tmp_path / "chroma.log").open("w")
    server = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", str(tmp_path / "srv"),
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("localhost", port), timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail(f"chroma run did not start: {(tmp_path / 'chroma.log').read_text()[-500:]}")
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(10)


def test_two_clients_share_a_server_each_with_its_own_read_side(tmp_path, embedder, chroma_server):
    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    writer = PaperIndex(tmp_path / "a", embedder, chroma_url=chroma_server)
    writer.ingest(papers[:4])
    reader = PaperIndex(tmp_path / "b", embedder, chroma_url=chroma_server)
    assert reader.count() == 4  # built from the server on first use
    assert not (tmp_path / "b" / "chroma").exists()  # nothing stored locally but the read side
    [(top, _), *_] = reader.lexical_search("binary space partitioning meshes", 3)
    assert reader.papers([top])[top].title.startswith("Learning Mesh Representations")

    writer.ingest(papers)  # another machine adds two papers
    assert reader.count() == 4  # checked every few seconds, not on every call
    reader.read_side._server_checked = float("-inf")
    assert reader.count() == 6
    vector = embedder.encode_one("draft and verify to accelerate decoding")
    assert reader.dense_search(vector, 1)[0][0] == writer.dense_search(vector, 1)[0][0]


def test_the_read_side_answers_while_the_server_is_down(tmp_path, embedder, chroma_server):
    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    index = PaperIndex(tmp_path / "a", embedder, chroma_url=chroma_server)
    index.ingest(papers)
    later = PaperIndex(tmp_path / "a", embedder, chroma_url="http://localhost:1")  # unreachable now
    assert later.count() == 6


def test_an_unreachable_server_is_one_clear_line(tmp_path, embedder):
    with pytest.raises(IndexUnavailable, match="cannot reach the Chroma server at http://localhost:1"):
        PaperIndex(tmp_path / "a", embedder, chroma_url="http://localhost:1").count()
    result = CliRunner().invoke(cli, ["search", "meshes"], env={"ASSISTANT_CHROMA_URL": "http://localhost:1"})
    assert result.exit_code == 69
    assert result.output.strip().startswith("assistant: error: cannot reach the Chroma server")
    assert "Traceback" not in result.output
