"""Load on `assistant serve`: 1, 4 and 16 concurrent clients asking over HTTP (httpx, asyncio).

    .venv/bin/python benchmarks/serve_load.py [--split] [--index-dir DIR] [--json OUT]

Starts `assistant serve` on a free loopback port (with `--split`, the model on a separate
`python -m llama_cpp.server` process, reached through `--llm-url`), then for each level runs
that many clients, each asking its share of a fixed number of questions from
eval/questions/dev.jsonl back to back over `POST /v1/ask` with `stream`, while one more client
searches (`GET /v1/search`) every 0.25 s. It reports throughput (answers/s), p50/p95 time to the
first token and to the checked answer (as clients see them, queueing included), search latency
under that load, and every failed or lost request. Request counts are bounded (8, 8, 16) and
everything stays on 127.0.0.1.

Without --index-dir the bundled corpus is indexed into a temporary home first (not timed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
LEVELS = (1, 4, 16)
REQUESTS = {1: 8, 4: 8, 16: 16}  # asks per level: bounded, and at least one per client
SEARCH_EVERY_S = 0.25


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval/questions/dev.jsonl").read_text().splitlines() if line.strip()]
    return [r["question"] for r in rows if not r.get("history")]


def pct(values, q):
    return round(float(np.percentile(values, q)), 3) if values else None


def wait_ready(url: str, process: subprocess.Popen, what: str, deadline_s: float = 300) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if process.poll() is not None:
            sys.exit(f"{what} exited with {process.returncode} before it was ready")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    sys.exit(f"{what} not ready after {deadline_s} s")


async def ask(client: httpx.AsyncClient, question: str) -> dict:
    start = time.perf_counter()
    first = None
    result = {"ok": False}
    try:
        async with client.stream("POST", "/v1/ask", json={"question": question, "stream": True}) as response:
            if response.status_code != 200:
                await response.aread()
                return {"ok": False, "error": f"HTTP {response.status_code}: {response.text[:200]}"}
            event = None
            async for line in response.aiter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                    if event == "token" and first is None:
                        first = time.perf_counter() - start
                elif line.startswith("data: ") and event in ("answer", "error"):
                    data = json.loads(line[6:])
                    if event == "error":
                        return {"ok": False, "error": data["error"]["message"]}
                    result = {"ok": True, "refused": data["refused"], "cut_off": data["cut_off"],
                              "tokens": data["timings"]["completion_tokens"]}
    except httpx.HTTPError as error:
        return {"ok": False, "error": f"{type(error).__name__}: {error}"}
    result.update(ttft=first, total=time.perf_counter() - start)
    return result


async def searcher(client: httpx.AsyncClient, stop: asyncio.Event, latencies: list[float], errors: list[str]):
    queries = ["sparse autoencoders", "speculative decoding", "point cloud masked autoencoder", "mesh"]
    n = 0
    while not stop.is_set():
        start = time.perf_counter()
        try:
            response = await client.get("/v1/search", params={"q": queries[n % len(queries)], "k": 5})
            if response.status_code == 200:
                latencies.append(time.perf_counter() - start)
            else:
                errors.append(f"search HTTP {response.status_code}")
        except httpx.HTTPError as error:
            errors.append(f"search {type(error).__name__}")
        n += 1
        try:
            await asyncio.wait_for(stop.wait(), SEARCH_EVERY_S)
        except asyncio.TimeoutError:
            pass


async def level(url: str, clients: int, pool: list[str], offset: int) -> dict:
    total = REQUESTS[clients]
    share = [pool[(offset + i) % len(pool)] for i in range(total)]
    per_client = [share[i::clients] for i in range(clients)]
    limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients + 4)
    async with httpx.AsyncClient(base_url=url, timeout=600, limits=limits) as client:
        stop = asyncio.Event()
        search_latencies: list[float] = []
        search_errors: list[str] = []
        probe = asyncio.create_task(searcher(client, stop, search_latencies, search_errors))

        async def one_client(items):
            return [await ask(client, q) for q in items]

        start = time.perf_counter()
        results = [r for rs in await asyncio.gather(*(one_client(items) for items in per_client)) for r in rs]
        wall = time.perf_counter() - start
        stop.set()
        await probe
    ok = [r for r in results if r["ok"]]
    ttft = [r["ttft"] for r in ok if r["ttft"] is not None]
    totals = [r["total"] for r in ok]
    return {
        "clients": clients, "requests": total, "answered": len(ok), "failed": total - len(ok),
        "errors": [r["error"] for r in results if not r["ok"]][:5],
        "cut_off": sum(r.get("cut_off", False) for r in ok), "refused": sum(r.get("refused", False) for r in ok),
        "wall_s": round(wall, 2), "answers_per_s": round(len(ok) / wall, 3),
        "tokens_per_s": round(sum(r["tokens"] for r in ok) / wall, 1),
        "ttft_p50_s": pct(ttft, 50), "ttft_p95_s": pct(ttft, 95),
        "answer_p50_s": pct(totals, 50), "answer_p95_s": pct(totals, 95),
        "search_n": len(search_latencies), "search_p50_ms": pct([x * 1000 for x in search_latencies], 50),
        "search_p95_ms": pct([x * 1000 for x in search_latencies], 95), "search_errors": len(search_errors),
    }


async def searches_alone(url: str, n: int = 20) -> dict:
    """The reference: the same searches with no ask running."""
    latencies: list[float] = []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        for i in range(n):
            begin = time.perf_counter()
            response = await client.get("/v1/search", params={"q": ["sparse autoencoders", "mesh"][i % 2], "k": 5})
            response.raise_for_status()
            latencies.append((time.perf_counter() - begin) * 1000)
    return {"search_p50_ms": pct(latencies, 50), "search_p95_ms": pct(latencies, 95)}


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, cwd=ROOT)


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", action="store_true", help="the model on a llama_cpp.server process")
    parser.add_argument("--index-dir", type=Path, help="an existing index (default: bundled corpus, temp home)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="serve-load-"))
    env = {**os.environ, "ASSISTANT_HOME": str(work / "home")}
    if args.index_dir:
        env["ASSISTANT_INDEX_DIR"] = str(args.index_dir)
    threads = str(os.cpu_count() or 2)
    processes = []
    idle: dict = {}
    try:
        serve = [str(BIN / "assistant")]
        if args.split:
            from assistant.models.gguf import bundled_model_path

            llm_port = free_port()
            processes.append(start([sys.executable, "-m", "llama_cpp.server", "--model", str(bundled_model_path()),
                                    "--host", "127.0.0.1", "--port", str(llm_port), "--n_ctx", "2048",
                                    "--n_threads", threads, "--n_threads_batch", threads], env, work / "llama.log"))
            wait_ready(f"http://127.0.0.1:{llm_port}/v1/models", processes[-1], "llama_cpp.server")
            serve += ["--llm-url", f"http://127.0.0.1:{llm_port}/v1"]
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        processes.append(start(serve + ["serve", "--port", str(port)], env, work / "serve.log"))
        wait_ready(f"{url}/healthz", processes[-1], "assistant serve", deadline_s=900)
        pool = questions()
        asyncio.run(level(url, 1, pool[-1:], 0))  # warm-up (model load, prompt cache): not counted
        idle = asyncio.run(searches_alone(url))
        print(json.dumps({"searches alone": idle}), flush=True)
        figures, offset = [], 0
        for clients in LEVELS:
            figures.append(asyncio.run(level(url, clients, pool, offset)))
            offset += REQUESTS[clients]
            print(json.dumps(figures[-1]), flush=True)
    finally:
        for process in reversed(processes):
            stop(process)
    load = os.getloadavg()
    report = {"deployment": "split (llama_cpp.server)" if args.split else "single process",
              "cpus": os.cpu_count(), "loadavg_after": [round(x, 2) for x in load], "searches_alone": idle,
              "levels": figures}
    print()
    print(f"{'clients':>7} {'asks':>5} {'lost':>5} {'answers/s':>9} {'tok/s':>6} {'TTFT p50/p95 s':>15} "
          f"{'answer p50/p95 s':>17} {'search p50/p95 ms':>18}")
    for f in figures:
        print(f"{f['clients']:>7} {f['requests']:>5} {f['failed']:>5} {f['answers_per_s']:>9} {f['tokens_per_s']:>6} "
              f"{f['ttft_p50_s']:>7}/{f['ttft_p95_s']:<7} {f['answer_p50_s']:>8}/{f['answer_p95_s']:<8} "
              f"{f['search_p50_ms']:>8}/{f['search_p95_ms']:<8}")
    print(f"searches with no ask running: p50 {idle['search_p50_ms']} ms, p95 {idle['search_p95_ms']} ms")
    print(f"load average after: {report['loadavg_after']}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    if any(f["failed"] for f in figures):
        sys.exit("some requests failed or were lost")


if __name__ == "__main__":
    main()
