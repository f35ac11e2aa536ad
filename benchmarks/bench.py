"""The speed figures of BENCHMARKS.md, each beside its reference, measured in one run.

    .venv/bin/python benchmarks/bench.py [--quick] [--json OUT]

Uses the user's index (the bundled corpus is indexed first if it is empty) and the bundled
model. The 100k-abstract retrieval index is synthetic (random unit vectors, texts drawn from the
corpus vocabulary: embedding 100k real abstracts takes hours on this CPU) and is cached under
<cache dir>/bench-100k. Run it on an otherwise idle machine: two cores are easily disturbed.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUESTION = "What does BSP-Net output directly?"
WARM_QUESTIONS = [
    "What does ADED use to approximate the output distribution of the LLM?",
    "What wall clock speedup does SpecTr achieve?",
    "How does JPEG-LM represent images for an LLM?",
    "Which papers apply masked autoencoders to point clouds or 3D representations?",
    "What convergence criterion does Speculative Jacobi Decoding introduce?",
]
CHAT = ["What speed-up does Collaborative Decoding (CoDe) give?", "How much memory does it save?",
        "What does it use to generate the small-scale tokens?"]


def p(values, q):
    return float(np.percentile(values, q)) if values else float("nan")


def cold_process(args: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall time to the first byte on a terminal, and to exit, of fresh processes."""
    firsts, totals = [], []
    for _ in range(runs):
        master, slave = pty.openpty()
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=slave, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, cwd=ROOT)
        os.close(slave)
        first = None
        while True:
            ready, _, _ = select.select([master], [], [], 0.02)
            if ready:
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                if first is None:
                    first = time.perf_counter() - start
            elif proc.poll() is not None:
                break
        proc.wait()
        totals.append(time.perf_counter() - start)
        firsts.append(first if first is not None else float("nan"))
        os.close(master)
    return firsts, totals


def ready_to_retrieve(runs: int) -> list[float]:
    """A fresh process: import, open the index, load the query embedder, run one search."""
    code = ("import time,os; t=time.perf_counter()\n"
            "from assistant.service import Assistant\n"
            "a=Assistant(); a.warm_up(); a.search('binary space partitioning meshes')\n"
            "print(time.perf_counter()-t, flush=True); os._exit(0)")
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, no 100k index")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    opts = parser.parse_args()
    runs = 2 if opts.quick else 5
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from assistant.service import Assistant

    figures: dict[str, dict] = {}
    assistant = Assistant()
    assistant.ensure_index()

    # ---- cold start: the CLI, then `ask` in a new process, vs the raw floor
    _, help_s = cold_process([str(BIN / "assistant"), "--help"], runs)
    ready = ready_to_retrieve(runs)
    first, total = cold_process([str(BIN / "assistant"), "ask", QUESTION], runs)
    figures["cli_import_s"] = {"value": statistics.median(help_s), "ref": "interpreter start",
                               "ref_value": statistics.median(cold_process([sys.executable, "-c", "print(1)"], runs)[1])}
    figures["ready_to_retrieve_s"] = {"value": statistics.median(ready), "target": 0.7}

    # The floor for the same prompt: raw llama.cpp load + prefill + decode, no pipeline.
    captured: list = []
    gen = assistant.generator
    original = gen.stream_chat

    def capture(messages, max_tokens, temperature=0.0, grammar=None, stats=None, stop=None):
        captured.append((messages, max_tokens, grammar))
        return original(messages, max_tokens, temperature, grammar=grammar, stats=stats, stop=stop)

    gen.stream_chat = capture
    warm_answer = assistant.ask(QUESTION)
    gen.stream_chat = original
    messages, max_tokens, grammar = captured[-1]
    floor = raw_floor(gen.model_path, assistant.settings.n_threads, assistant.settings.n_ctx, messages,
                      warm_answer.timings.completion_tokens)
    figures["cold_ask_first_token_s"] = {"value": statistics.median(first), "target": 3.0,
                                         "ref": "raw load + prefill + first token", "ref_value": floor["first_token_s"]}
    figures["cold_ask_exit_s"] = {"value": statistics.median(total), "ref": "raw load + prefill + decode",
                                  "ref_value": floor["total_s"]}

    # ---- warm time to first token by k
    for k in (3, 5, 8):
        ttfts = []
        for question in WARM_QUESTIONS:
            answer = assistant.ask(question, k)
            if answer.timings.ttft_s is not None:
                ttfts.append(answer.timings.ttft_s)
        figures[f"warm_ttft_k{k}_s"] = {"value": statistics.median(ttfts), "p95": p(ttfts, 95),
                                        "target": 1.5 if k == 5 else None}

    # ---- generation speed vs raw llama.cpp on the same prompt, threads, cache state and length
    ours, raw = [], []
    for _ in range(3):
        ours.append(assistant.ask(QUESTION).timings.tokens_per_s)
        raw.append(raw_decode(gen, messages, max_tokens))
    figures["generation_tok_s"] = {"value": statistics.median(ours), "ref": "raw llama.cpp, same prompt",
                                   "ref_value": statistics.median(raw), "target_ratio": 0.95}

    # ---- prompt-prefix KV reuse over a 3-turn chat
    figures.update(prefix_reuse(assistant))

    # ---- retrieval latency
    figures["retrieval_bundled_ms"] = retrieval_latency(assistant, assistant.index.count())
    if not opts.quick:
        synthetic = synthetic_assistant(assistant)
        figures["retrieval_100k_ms"] = retrieval_latency(synthetic, 100_000)
        synthetic.index.vector_search = "chroma"  # the reference: Chroma's HNSW for the dense half
        hnsw = retrieval_latency(synthetic, 100_000)
        figures["retrieval_100k_ms"].update(ref="dense half by Chroma HNSW (ef_search 128)", ref_value=hnsw["value"])

    # ---- ingest vs raw encode
    figures["ingest_per_s"] = ingest_speed(assistant)

    report(figures, assistant)
    if opts.json:
        opts.json.write_text(json.dumps(figures, indent=2))


def raw_floor(model_path, threads, n_ctx, messages, completion_tokens) -> dict:
    """A new llama.cpp instance: load, prefill the same prompt, decode as many tokens."""
    from llama_cpp import Llama

    from assistant.models.llama import silence_llama_cpp

    silence_llama_cpp()
    start = time.perf_counter()
    llm = Llama(str(model_path), n_ctx=n_ctx, n_threads=threads, verbose=False)
    loaded = time.perf_counter() - start
    first = None
    for _ in llm.create_chat_completion(messages=messages, max_tokens=max(2, completion_tokens),
                                        temperature=0.0, stream=True):
        if first is None:
            first = time.perf_counter() - start
    return {"load_s": loaded, "first_token_s": first, "total_s": time.perf_counter() - start}


def raw_decode(gen, messages, max_tokens) -> float:
    """Tokens/s of plain create_chat_completion on the warm model, its prompt cache as the
    pipeline leaves it (a reset changes the greedy answer's length, and short answers rate
    lower: the last step's overhead is spread over fewer tokens)."""
    llm = gen.load()
    first, n = None, 0
    for chunk in llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0,
                                            repeat_penalty=1.15, stream=True):
        if chunk["choices"][0]["delta"].get("content"):
            n += 1
            if first is None:
                first = time.perf_counter()
    return (n - 1) / (time.perf_counter() - first)


def prefix_reuse(assistant) -> dict:
    """TTFT over a 3-turn chat with llama.cpp's prompt-prefix cache, and with it reset."""
    from assistant.retrieval.followup import Turn

    def chat(reset: bool) -> list[float]:
        history: list[Turn] = []
        ttfts = []
        for question in CHAT:
            if reset:
                assistant.generator.load().reset()
            answer = assistant.ask(question, history=history)
            history.append(Turn(question, answer.text, [c.paper.title for c in answer.citations]))
            if answer.timings.ttft_s is not None:
                ttfts.append(answer.timings.ttft_s)
        return ttfts

    chat(False)  # warm
    cached, fresh = chat(False), chat(True)
    return {"chat3_ttft_prefix_cache_s": {"value": statistics.mean(cached), "ref": "cache reset each turn",
                                          "ref_value": statistics.mean(fresh)}}


def retrieval_latency(assistant, size: int) -> dict:
    questions = [q for q in WARM_QUESTIONS + CHAT] * 8
    vectors = [assistant.retriever.embed_query(q) for q in questions]
    assistant.search(questions[0])  # load the lexical index once
    times = []
    for question, vector in zip(questions, vectors):
        start = time.perf_counter()
        assistant.retriever.search(question, 5, "hybrid", vector)
        times.append((time.perf_counter() - start) * 1000)
    return {"value": p(times, 50), "p95": p(times, 95), "papers": size, "target_p95": 50.0}


def synthetic_assistant(assistant):
    """100k synthetic abstracts: random unit vectors, texts sampled from the real vocabulary."""
    from assistant.corpus import Paper
    from assistant.service import Assistant
    from assistant.settings import Settings

    directory = assistant.paths.cache_dir / "bench-100k"
    settings = Settings(index_dir=directory)
    synthetic = Assistant(settings, assistant.paths, embedder=assistant.embedder,
                          ingest_embedder=assistant.ingest_embedder)
    if synthetic.index.count() < 100_000:
        rng = np.random.default_rng(0)
        words = sorted(assistant.index.lexical.vocab)
        with synthetic.index.read_side.write_lock():
            for start in range(synthetic.index.store.count(), 100_000, 5000):
                papers = [Paper.create(" ".join(rng.choice(words, 8)), " ".join(rng.choice(words, 120)),
                                       arxiv_id=f"9{n:07d}") for n in range(start, start + 5000)]
                vectors = rng.standard_normal((len(papers), 384)).astype(np.float32)
                vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
                synthetic.index.store.upsert(papers, vectors)
            synthetic.index.read_side.rebuild()
    return synthetic


def ingest_speed(assistant) -> dict:
    from assistant.corpus import bundled_corpus_dir, load_corpus
    from assistant.index import PaperIndex

    papers = load_corpus([bundled_corpus_dir()]).papers
    texts = [paper.embedding_text for paper in papers]
    model = assistant.ingest_embedder.load()
    start = time.perf_counter()
    model.encode(texts, batch_size=assistant.settings.embed_batch_size, normalize_embeddings=True)
    raw = len(texts) / (time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        index = PaperIndex(Path(tmp), assistant.ingest_embedder)
        start = time.perf_counter()
        index.ingest(papers)
        ours = len(papers) / (time.perf_counter() - start)
    return {"value": ours, "ref": "raw SentenceTransformer.encode, same texts", "ref_value": raw,
            "target_ratio": 0.85}


def report(figures: dict, assistant) -> None:
    import platform

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"model {assistant.generator.name}, k={assistant.settings.k}, "
          f"{assistant.index.count()} papers, threads={assistant.settings.n_threads}\n")
    print(f"| figure | measured | reference (same run) | target |\n|---|---|---|---|")
    for name, f in figures.items():
        value = f"{f['value']:.3f}" + (f" (p95 {f['p95']:.3f})" if "p95" in f else "")
        ref = f"{f['ref_value']:.3f} ({f['ref']})" if "ref_value" in f else ""
        if "target_ratio" in f:
            ratio = f["value"] / f["ref_value"]
            target = f"≥ {f['target_ratio']:.0%} of reference: {ratio:.0%}"
        elif f.get("target_p95"):
            target = f"p95 ≤ {f['target_p95']:.0f}"
        elif f.get("target"):
            target = f"≤ {f['target']}"
        else:
            target = ""
        print(f"| {name} | {value} | {ref} | {target} |")


if __name__ == "__main__":
    main()
