"""The read side at scale: dense, BM25 and fused search, ready-to-retrieve, disk and memory, and
the cost of adding papers, at 100k and 1M synthetic abstracts, beside the exact scan and
Chroma's HNSW measured in the same run.

    .venv/bin/python benchmarks/scale.py --size 100000 --size 1000000 [--chroma 100000] [--json OUT]

The abstracts are synthetic but shaped like real ones, and written straight to the read side
(embedding a million texts with MiniLM takes ~14 h on 2 cores):
- vectors: the MiniLM embeddings of the bundled abstracts' sentences (about 1,500), each
  synthetic vector a random mix of two of them plus Gaussian noise, normalised: clustered like
  real abstract embeddings, not uniform on the sphere;
- texts: words drawn from the bundled corpus with their real frequencies, most of them from the
  abstract of the sentence the vector came from, so that words and vectors agree as in a real
  corpus (BM25 columns are as long as real ones: common words are common);
- queries: the dev set's questions, embedded by the ONNX query embedder.
Data goes to <cache dir>/scale-<size> (about 3.3 GB per million; built once, then reused).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EMBEDDER = "all-MiniLM-L6-v2"
CHUNK = 65_536  # rows per segment written; the read side's own policy merges them
NOISE = 0.55
TITLE_WORDS, ABSTRACT_WORDS = 9, 130
OWN_SHARE = 0.6  # of a text's words, drawn from the abstract its vector came from


def p(values, q):
    return float(np.percentile(values, q))


def base_material(cache: Path):
    """Sentence embeddings of the bundled abstracts, the abstract each sentence is from, and
    the corpus vocabulary (one-token words) with frequencies."""
    from assistant.corpus import bundled_corpus_dir, load_corpus
    from assistant.text import split_sentences, tokenize

    papers = load_corpus([bundled_corpus_dir()]).papers
    sentences, owner = [], []
    for i, paper in enumerate(papers):
        for sentence in split_sentences(paper.abstract):
            sentences.append(sentence)
            owner.append(i)
    path = cache / "base.npy"
    if path.exists():
        vectors = np.load(path)
    else:
        from assistant.models.minilm import MiniLMEmbedder

        vectors = MiniLMEmbedder("cpu").encode(sentences)
        np.save(path, vectors)
    words: dict[str, int] = {}
    per_paper: list[list[int]] = []
    counts: list[int] = []
    for paper in papers:
        ids = []
        for word in (paper.title + " " + paper.abstract).split():
            word = word.strip(".,;:()[]\"'").lower()
            if len(tokenize(word)) != 1:
                continue  # stopwords and compounds: keep the text-to-token map one to one
            if word not in words:
                words[word] = len(words)
                counts.append(0)
            counts[words[word]] += 1
            ids.append(words[word])
        per_paper.append(ids)
    vocab = list(words)
    token_hash = np.array([_hash(tokenize(w)[0]) for w in vocab], dtype=np.uint64)
    freq = np.array(counts, dtype=np.float64)
    return vectors, np.array(owner), vocab, token_hash, freq / freq.sum(), per_paper


def _hash(token: str) -> int:
    from assistant.index.lexical import term_hash

    return term_hash(token)


def synthetic_chunk(rng, start: int, n: int, material):
    base, owner, vocab, token_hash, freq, per_paper = material
    i = rng.integers(0, len(base), n)
    j = rng.integers(0, len(base), n)
    w = rng.uniform(0.55, 1.0, n)[:, None]
    vectors = w * base[i] + (1 - w) * base[j] + rng.standard_normal((n, base.shape[1])) * (NOISE / np.sqrt(base.shape[1]))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    length = TITLE_WORDS + ABSTRACT_WORDS
    words = rng.choice(len(vocab), size=(n, length), p=freq)
    own = rng.random((n, length)) < OWN_SHARE
    for r in np.nonzero(own.any(axis=1))[0]:
        source = per_paper[owner[i[r]]]
        if source:
            k = int(own[r].sum())
            words[r, own[r]] = np.asarray(source)[rng.integers(0, len(source), k)]
    # BM25 term counts straight from the word ids: title words weigh 3, as in lexical.py.
    weights = np.concatenate([np.full(TITLE_WORDS, 3), np.ones(ABSTRACT_WORDS, dtype=np.int64)])
    flat = (np.arange(n)[:, None] * len(vocab) + words).ravel()
    keys, inverse = np.unique(flat, return_inverse=True)
    tf = np.bincount(inverse, weights=np.tile(weights, n)).astype(np.int64)
    rows = (keys // len(vocab)).astype(np.int32)
    terms = token_hash[keys % len(vocab)]
    lengths = np.bincount(rows, weights=tf, minlength=n).astype(np.float32)
    texts = []
    for r in range(n):
        title = " ".join(vocab[x] for x in words[r, :TITLE_WORDS]).capitalize()
        abstract = " ".join(vocab[x] for x in words[r, TITLE_WORDS:]).capitalize() + "."
        texts.append((f"s{start + r:08d}", title, abstract, 2000 + int(rng.integers(0, 26))))
    return vectors, texts, rows, terms, tf, lengths


def build(directory: Path, size: int, material) -> None:
    """The read side of `size` synthetic papers, in segments merged by the read side's policy."""
    from assistant.index.lexical import Postings, TermCounts
    from assistant.index.read_side import ReadSide
    from assistant.index.segment import Row, write_segment
    from assistant.index.snapshot import MANIFEST, write_manifest

    if (directory / "read" / MANIFEST).exists():
        return
    shutil.rmtree(directory, ignore_errors=True)
    root = directory / "read"
    root.mkdir(parents=True)
    rng = np.random.default_rng(size)
    entries: list[dict] = []
    opened: dict = {}
    side = ReadSide(directory, store=None, embedder_name=EMBEDDER)  # only its merge policy is used
    started = time.perf_counter()
    for number, start in enumerate(range(0, size, CHUNK)):
        n = min(CHUNK, size - start)
        vectors, texts, rows, terms, tf, lengths = synthetic_chunk(rng, start, n, material)
        counts = TermCounts(rows, terms, np.minimum(tf, 65535).astype(np.uint16), lengths)
        records = [Row(pid, abstract, {"title": title, "content_hash": pid, "year": year, "date": str(year)},
                       pid, 0) for pid, title, abstract, year in texts]
        name = f"seg-0000000001-b{number:04d}"
        meta = write_segment(root / f".tmp-{name}", vectors.shape[1], records, vectors, Postings.from_counts(counts))
        (root / f".tmp-{name}").rename(root / name)
        entries.append({"name": name, "rows": meta["rows"]})
        entries = side._compact(entries, opened, 1)
        print(f"  built {start + n:,} rows ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
    manifest = {"generation": 1, "embedder": EMBEDDER, "source": "", "segments": entries}
    write_manifest(root, manifest)
    side._cleanup(manifest)


def queries(cache: Path) -> tuple[list[str], np.ndarray]:
    from assistant.models.onnx_minilm import OnnxMiniLM, export_onnx, onnx_path

    questions = [json.loads(line)["question"] for line in (ROOT / "eval/questions/dev.jsonl").read_text().splitlines()]
    path = onnx_path(cache / "onnx")
    if not path.exists():
        export_onnx(path)
    return questions, OnnxMiniLM(path, 32).encode(questions)


def exact_top(snapshot, vectors: np.ndarray, k: int = 10) -> list[list[tuple[int, int]]]:
    """The exact top k of each query by a full float scan (the reference)."""
    scores_by_part = [np.asarray(s.vectors) @ vectors.T for s in snapshot.segments]  # rows x queries
    out = []
    for q in range(len(vectors)):
        found = []
        for part, scores in enumerate(scores_by_part):
            column = scores[:, q]
            top = np.argpartition(-column, k - 1)[:k]
            found.extend((float(column[r]), part, int(r)) for r in top)
        found.sort(reverse=True)
        out.append([(part, row) for _, part, row in found[:k]])
    return out


def measure(directory: Path, size: int, questions, vectors, chroma: bool) -> dict:
    from assistant.index.dense import DensePart
    from assistant.index.dense import search as dense_search
    from assistant.index.snapshot import Snapshot

    snapshot = Snapshot.open(directory / "read")
    assert snapshot.count == size, snapshot.count
    parts = [DensePart(s.vectors, s.codes, s.years, a) for s, a in zip(snapshot.segments, snapshot.alive)]
    figures: dict = {"papers": size, "segments": [s.rows for s in snapshot.segments]}

    # dense: ours (two passes) against the exact float scan, same queries, same process
    for v in vectors[:5]:
        dense_search(parts, v, 10)  # page the codes in
    truth_start = time.perf_counter()
    truth = exact_top(snapshot, vectors)
    figures["exact_scan_ms_per_query"] = (time.perf_counter() - truth_start) * 1000 / len(vectors)
    for shortlist in (0.004, 0.008, 0.016):
        times, hits = [], 0
        for v, expected in zip(vectors, truth):
            start = time.perf_counter()
            found = dense_search(parts, v, 10, shortlist=shortlist)
            times.append((time.perf_counter() - start) * 1000)
            hits += len({(a, b) for a, b, _ in found} & set(expected))
        figures[f"dense_shortlist_{shortlist}"] = {"p50_ms": p(times, 50), "p95_ms": p(times, 95),
                                                   "recall_at_10": hits / (10 * len(vectors))}

    # BM25 and fused, through the real retriever
    from assistant.index.paper_index import PaperIndex
    from assistant.models.hashing import HashingEmbedder
    from assistant.retrieval.retriever import Retriever

    class Named(HashingEmbedder):
        name = EMBEDDER

    index = PaperIndex(directory, Named(), store=_NoStore())
    retriever = Retriever(index, None)
    lexical = index.lexical
    bm25, fused = [], []
    for _ in range(2):
        for question, v in zip(questions, vectors):
            start = time.perf_counter()
            lexical.search(question, 50)
            bm25.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            retriever.search(question, 5, "hybrid", v)
            fused.append((time.perf_counter() - start) * 1000)
    figures["bm25"] = {"p50_ms": p(bm25, 50), "p95_ms": p(bm25, 95)}
    figures["fused"] = {"p50_ms": p(fused, 50), "p95_ms": p(fused, 95)}
    figures["disk_mb"] = sum(f.stat().st_size for f in (directory / "read").rglob("*") if f.is_file()) / 2**20
    figures["ready_to_retrieve_s"], figures["question_process_max_rss_mb"] = ready_to_retrieve(directory, questions)
    if chroma:
        figures["chroma_hnsw"] = chroma_reference(directory, snapshot, vectors, truth)
    return figures


class _NoStore:
    """The synthetic read side has no store of record behind it (nothing is healed here)."""

    shared = False
    location = "none"

    def refresh(self):
        pass


def ready_to_retrieve(directory: Path, questions: list[str], runs: int = 3) -> tuple[float, float]:
    """A fresh process: import, open the index, load the ONNX query embedder, one hybrid search;
    then its peak RSS after 50 more questions (what a question process holds at this size)."""
    code = ("import time,os,resource,sys,json; t=time.perf_counter()\n"
            "from assistant.service import Assistant\n"
            "from assistant.settings import Settings\n"
            f"a=Assistant(Settings(index_dir={str(directory)!r})); a.warm_up(); a.search('speculative decoding draft model')\n"
            "print(time.perf_counter()-t, flush=True)\n"
            "for q in json.loads(sys.argv[1]): a.search(q)\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, flush=True); os._exit(0)")
    out, rss = [], []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", code, json.dumps(questions[:50])], check=True,
                                capture_output=True, text=True, cwd=ROOT)
        lines = result.stdout.strip().splitlines()
        out.append(float(lines[-2]))
        rss.append(float(lines[-1]))
    return statistics.median(out), statistics.median(rss)


def chroma_reference(directory: Path, snapshot, vectors, truth) -> dict:
    """The same vectors in Chroma (HNSW, ef_search 128): query latency and recall@10."""
    from assistant.index.chroma_embedded import EmbeddedChromaStore

    store = EmbeddedChromaStore(directory, EMBEDDER)
    if store.count() < snapshot.count:
        started = time.perf_counter()
        collection = store.collection
        for segment in snapshot.segments:
            for batch in segment.iter_rows(4096):
                rows = [r[0] for r in batch]
                collection.upsert(ids=[r[1] for r in batch], embeddings=np.asarray(segment.vectors[rows]),
                                  documents=[r[2] for r in batch], metadatas=[json.loads(r[3]) for r in batch])
        print(f"  chroma built in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    ids = {}
    for part, segment in enumerate(snapshot.segments):
        wanted = sorted({row for expected in truth for p_, row in expected if p_ == part})
        ids.update({(part, row): pid for row, pid in zip(wanted, segment.ids_of(wanted))})
    times, hits = [], 0
    for v, expected in zip(vectors, truth):
        start = time.perf_counter()
        found = store.query(v, 10)
        times.append((time.perf_counter() - start) * 1000)
        hits += len({pid for pid, _ in found} & {ids[e] for e in expected})
    return {"p50_ms": p(times, 50), "p95_ms": p(times, 95), "recall_at_10": hits / (10 * len(vectors)),
            "disk_mb": sum(f.stat().st_size for f in (directory / "chroma").rglob("*") if f.is_file()) / 2**20}


def add_papers(directory: Path, size: int, material, n: int = 10_000) -> dict:
    """Adding n papers to the index as an ingest does: slices of 512 appended, merged by the
    policy. Measured on a copy of the manifest's state, then the copy is thrown away."""
    from assistant.corpus import Paper
    from assistant.index.read_side import ReadSide
    from assistant.index.snapshot import Snapshot

    work = directory.parent / f"{directory.name}-add"
    shutil.rmtree(work, ignore_errors=True)
    (work / "read").mkdir(parents=True)
    for item in (directory / "read").iterdir():  # hard links: no copy of the big files
        if item.is_dir():
            (work / "read" / item.name).mkdir()
            for f in item.iterdir():
                os.link(f, work / "read" / item.name / f.name)
        else:
            shutil.copy(item, work / "read" / item.name)
    side = ReadSide(work, _NoStore(), EMBEDDER)
    rng = np.random.default_rng(1)
    vectors, texts, *_ = synthetic_chunk(rng, size, n, material)
    papers = [Paper.create(title, abstract, date=str(year)) for _, title, abstract, year in texts]
    before = {s.name for s in Snapshot.open(work / "read").segments}
    started = time.perf_counter()
    for start in range(0, n, 512):
        chunk = papers[start : start + 512]
        side.append(chunk, [p.to_metadata() for p in chunk], vectors[start : start + 512])
    seconds = time.perf_counter() - started
    after = Snapshot.open(work / "read")
    rewritten = sum(s.rows for s in after.segments if s.name not in before) - n
    result = {"papers": n, "seconds": seconds, "existing_rows_rewritten": max(0, rewritten),
              "segments_after": [s.rows for s in after.segments], "count_after": after.count}
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, action="append", help="papers (repeatable); default 100000")
    parser.add_argument("--chroma", type=int, default=100_000,
                        help="build the Chroma HNSW reference for sizes up to this (default 100000)")
    parser.add_argument("--json", type=Path)
    opts = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from assistant.paths import user_paths

    cache = user_paths().cache_dir
    cache.mkdir(parents=True, exist_ok=True)
    material = base_material(cache)
    questions, vectors = queries(cache)
    figures = {}
    for size in opts.size or [100_000]:
        directory = cache / f"scale-{size}"
        started = time.perf_counter()
        build(directory, size, material)
        print(f"{size:,}: read side ready ({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)
        figures[size] = measure(directory, size, questions, vectors, size <= opts.chroma)
        figures[size]["add_10k"] = add_papers(directory, size, material)
        print(json.dumps({size: figures[size]}, indent=1), flush=True)
    if opts.json:
        opts.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
