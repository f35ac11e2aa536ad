"""Real servers on loopback for tests: uvicorn running an app in a thread, `python -m
llama_cpp.server` in a subprocess, and a TCP proxy that breaks a chat stream off midway."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def wait_until(ready, deadline_s: float, what: str, alive=lambda: True) -> None:
    """Poll `ready()` until it is true; fail after the deadline, or at once if `alive()` says
    the server died."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if not alive():
            raise RuntimeError(f"{what} exited before it was ready")
        if ready():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} not ready after {deadline_s} s")


@contextlib.contextmanager
def running_app(app):
    """The ASGI app on a real uvicorn server on an ephemeral loopback port; yields its URL."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host=LOOPBACK, port=0, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        wait_until(lambda: server.started, 30, "uvicorn", thread.is_alive)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


class LlamaServer:
    """`python -m llama_cpp.server` serving a GGUF on a free loopback port."""

    def __init__(self, model: Path, api_key: str | None = None, log: Path | None = None):
        self.port = free_port()
        self.api_key = api_key
        self.url = f"http://{LOOPBACK}:{self.port}/v1"
        threads = str(os.cpu_count() or 2)
        command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", LOOPBACK,
                   "--port", str(self.port), "--n_ctx", "2048", "--n_threads", threads, "--n_threads_batch", threads]
        if api_key:
            command += ["--api_key", api_key]
        self.log = open(log or os.devnull, "wb")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)

    def ready(self) -> bool:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            return httpx.get(f"{self.url}/models", headers=headers, timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def wait(self, deadline_s: float = 120) -> LlamaServer:
        wait_until(self.ready, deadline_s, "llama_cpp.server", lambda: self.process.poll() is None)
        return self

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.log.close()


class CuttingProxy:
    """Forwards loopback TCP to a server, but drops a connection once `chunks` chat stream chunks
    have passed through it: a model server whose stream stops midway, with everything before
    the cut real."""

    MARK = b"chat.completion.chunk"

    def __init__(self, upstream_port: int, chunks: int):
        self.upstream_port = upstream_port
        self.chunks = chunks
        self.listener = socket.create_server((LOOPBACK, 0))
        self.port = self.listener.getsockname()[1]
        self.cuts = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection((LOOPBACK, self.upstream_port))
            threading.Thread(target=self._pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True), daemon=True).start()

    def _pipe(self, source: socket.socket, target: socket.socket, count: bool) -> None:
        seen = 0
        try:
            while data := source.recv(65536):
                if count:
                    seen += data.count(self.MARK)
                    if seen >= self.chunks:
                        at = _nth(data, self.MARK, self.chunks - (seen - data.count(self.MARK)))
                        end = data.find(b"\n\n", at)  # the end of that event
                        target.sendall(data if end < 0 else data[: end + 2])
                        self.cuts += 1
                        break
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def close(self) -> None:
        self.listener.close()


def _nth(data: bytes, mark: bytes, n: int) -> int:
    at = -1
    for _ in range(max(n, 1)):
        at = data.find(mark, at + 1)
    return at


@contextlib.contextmanager
def silent_port():
    """A port that accepts connections and never answers: a hung server."""
    listener = socket.create_server((LOOPBACK, 0))
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
