import dataclasses
import json
import shutil
import time

import numpy as np
import pytest

from assistant.corpus import load_corpus
from assistant.index import PaperIndex
from assistant.index.journal import Intent, Journal
from assistant.index.segment import Segment
from assistant.index.snapshot import Snapshot
from assistant.text import tokenize

from conftest import DATA


def test_ingest_is_incremental_and_idempotent(tmp_path, embedder):
    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    index = PaperIndex(tmp_path / "idx", embedder)
    first = index.ingest(papers)
    assert (first.added, first.updated, first.unchanged) == (6, 0, 0)

    again = PaperIndex(tmp_path / "idx", embedder).ingest(papers)  # a new process, same dir
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)

    changed = [dataclasses.replace(papers[0], abstract=papers[0].abstract + " Extra sentence.")]
    report = index.ingest(changed + papers[1:])
    assert (report.added, report.updated, report.unchanged) == (0, 1, 5)
    assert index.count() == 6
    assert index.papers([papers[0].id])[papers[0].id].abstract.endswith("Extra sentence.")


def test_an_older_arxiv_version_never_replaces_a_newer_one(tmp_path, embedder):
    base = load_corpus([DATA / "tiny.jsonl"]).papers[0]
    v2 = dataclasses.replace(base, id="2401.00001", arxiv_id="2401.00001", version="v2", abstract="Second version.")
    v1 = dataclasses.replace(v2, version="v1", abstract="First version.")
    v3 = dataclasses.replace(v2, version="v3", abstract="Third version.")
    index = PaperIndex(tmp_path / "idx", embedder)
    index.ingest([v2])
    report = index.ingest([v1])  # an old dump, ingested later
    assert (report.added, report.updated, report.older) == (0, 0, 1)
    assert index.papers([v2.id])[v2.id].abstract == "Second version."
    assert index.ingest([v3]).updated == 1
    assert index.papers([v2.id])[v2.id].abstract == "Third version."


def test_lexical_index_is_persisted_with_the_read_side_and_matches_titles(tmp_path, embedder):
    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    PaperIndex(tmp_path / "idx", embedder).ingest(papers)
    lexical = Snapshot.open(tmp_path / "idx" / "read").lexical  # from the files alone
    assert lexical.count == 6
    [(top, _), *_] = lexical.search("binary space partitioning meshes", 3)
    assert papers[[p.id for p in papers].index(top)].title.startswith("Learning Mesh Representations")


def test_exact_search_agrees_with_chroma_hnsw(tmp_path, embedder):
    index = PaperIndex(tmp_path / "idx", embedder)
    index.ingest(load_corpus([DATA / "tiny.jsonl"]).papers)
    vector = embedder.encode_one("speculative decoding with a draft model")
    exact, hnsw = index.dense_search(vector, 6), index.store.query(vector, 6)
    assert [pid for pid, _ in exact] == [pid for pid, _ in hnsw]
    assert all(abs(a - b) < 1e-4 for (_, a), (_, b) in zip(exact, hnsw))


def test_an_index_without_a_read_side_is_rebuilt_from_chroma(tmp_path, embedder):
    """An index written by an older version, or whose read side was deleted."""
    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    PaperIndex(tmp_path / "idx", embedder).ingest(papers)
    shutil.rmtree(tmp_path / "idx" / "read")
    index = PaperIndex(tmp_path / "idx", embedder)
    assert index.count() == 6
    assert index.lexical_search("binary space partitioning", 1)[0][0] in {p.id for p in papers}


def test_an_interrupted_ingest_is_completed_on_the_next_open(tmp_path, embedder, monkeypatch):
    """Killed after Chroma took a slice but before the read side had it: the journal names the
    slice and the next open reads those papers (only those) back from the store. (The kill is
    simulated here; tests/test_kills.py kills real processes.)"""
    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    PaperIndex(tmp_path / "idx", embedder).ingest(papers[:4])
    interrupted = PaperIndex(tmp_path / "idx", embedder)

    def killed(*_):
        raise KeyboardInterrupt

    monkeypatch.setattr(interrupted.read_side, "append", killed)
    with pytest.raises(KeyboardInterrupt):
        interrupted.ingest(papers)
    assert Snapshot.open(tmp_path / "idx" / "read").count == 4  # the read side is behind
    assert Journal(tmp_path / "idx").read().ids == [p.id for p in papers[4:]]
    reopened = PaperIndex(tmp_path / "idx", embedder)
    rebuilt = []
    monkeypatch.setattr(reopened.read_side, "rebuild", lambda *a: rebuilt.append(a))
    assert reopened.count() == 6
    assert rebuilt == []  # healed from the journal, not by reading the whole store back
    assert set(reopened.papers([p.id for p in papers])) == {p.id for p in papers}
    assert not Journal(tmp_path / "idx").exists()


def test_ingests_append_segments_and_merges_keep_the_result_of_a_rebuild(tmp_path):
    """Each ingest appends a segment (rows it replaces are marked deleted, never rewritten);
    small segments are merged four at a time. The result must be what a full rebuild from
    Chroma gives: the same papers, vectors and BM25 scores. (Hashing embedder: this is about
    the files, not the vectors.)"""
    from assistant.models.hashing import HashingEmbedder

    hashing = HashingEmbedder()
    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    index = PaperIndex(tmp_path / "idx", hashing)
    for paper in papers[:4]:
        index.ingest([paper])
    assert [s.rows for s in Snapshot.open(tmp_path / "idx" / "read").segments] == [4]  # four merged
    index.ingest(papers[4:])
    changed = dataclasses.replace(papers[1], abstract=papers[1].abstract + " It also parses binary trees.")
    index.ingest([changed])
    live = Snapshot.open(tmp_path / "idx" / "read")
    assert [s.rows for s in live.segments] == [4, 2, 1]
    assert [None if a is None else int((~a).sum()) for a in live.alive] == [1, None, None]  # `changed`'s old row
    with index.read_side.write_lock():
        index.read_side.rebuild()
    rebuilt = Snapshot.open(tmp_path / "idx" / "read")
    ids = [p.id for p in papers]
    assert live.count == rebuilt.count == 6
    assert live.papers(ids) == rebuilt.papers(ids)
    assert live.papers([changed.id])[changed.id].abstract.endswith("binary trees.")
    for pid in ids:
        assert np.allclose(live.vectors_of([pid])[pid], rebuilt.vectors_of([pid])[pid], atol=1e-6)
    for query in ("binary trees", "speculative decoding draft", "sparse autoencoders circuits", "mesh"):
        assert dict(live.lexical.search(query, 6)) == pytest.approx(dict(rebuilt.lexical.search(query, 6)))
        assert [live.lexical.term_idf(t) for t in tokenize(query)] == pytest.approx(
            [rebuilt.lexical.term_idf(t) for t in tokenize(query)])
    vector = hashing.encode_one("binary space partitioning meshes")
    assert dict(live.search(vector, 6)) == pytest.approx(dict(rebuilt.search(vector, 6)))


def test_a_reader_follows_an_ingest_by_another_process(tmp_path, embedder):
    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    reader = PaperIndex(tmp_path / "idx", embedder)
    PaperIndex(tmp_path / "idx", embedder).ingest(papers[:3])
    assert reader.count() == 3
    PaperIndex(tmp_path / "idx", embedder).ingest(papers)
    assert reader.count() == 6
    assert reader.lexical.count == 6


def test_a_reader_does_not_wait_for_a_running_first_ingest(tmp_path, embedder):
    """The chat's UI thread asks for the count while a worker indexes: it must not block."""
    from filelock import FileLock

    index = PaperIndex(tmp_path / "idx", embedder)
    (tmp_path / "idx").mkdir()
    with FileLock(str(tmp_path / "idx" / ".write.lock")):  # as an ingest holds it
        Journal(tmp_path / "idx").write(Intent(["2401.00001"]))
        assert index.count() == 0
        assert index.lexical_search("decoding", 5) == []


def test_dense_search_finds_the_paper_and_stores_metadata(tmp_path, embedder):
    path = tmp_path / "p.jsonl"
    rows = [json.loads(line) for line in (DATA / "tiny.jsonl").read_text().splitlines()]
    [target] = [r for r in rows if r["title"].startswith("Adaptive Draft-Verification")]
    target |= {"id": "2401.00001v2", "authors": ["Ada Lovelace"], "categories": "cs.CL"}
    path.write_text("\n".join(json.dumps(r) for r in rows))
    index = PaperIndex(tmp_path / "idx", embedder)
    index.ingest(load_corpus([path]).papers)
    vector = embedder.encode_one("draft and verify to accelerate decoding without fine-tuning")
    (best, score), *_ = index.dense_search(vector, 3)
    paper = index.papers([best])[best]
    assert paper.title.startswith("Adaptive Draft-Verification")
    assert (paper.id, paper.version, paper.authors) == ("2401.00001", "v2", ("Ada Lovelace",))
    assert 0.3 < score <= 1.0


def test_clear_empties_both_indexes(tmp_path, embedder):
    index = PaperIndex(tmp_path / "idx", embedder)
    index.ingest(load_corpus([DATA / "tiny.jsonl"]).papers)
    assert index.clear() == 6
    assert index.count() == 0 and index.store.count() == 0
    assert index.lexical_search("decoding", 5) == []
    assert PaperIndex(tmp_path / "idx", embedder).count() == 0


def test_tokenize_folds_hyphens_plurals_and_stopwords():
    assert tokenize("The Auto-Encoders are learning") == ["autoencoder", "auto", "encoder", "learn"]


def test_a_reader_opening_while_an_ingest_swaps_generations_sees_every_paper(tmp_path, monkeypatch):
    """The race behind "This paper is no longer in the index." in a chat open while
    `assistant ingest` runs: the reader reads the manifest (generation A), the ingest switches
    to B, the reader opens A's segments. It must notice the switch and open B (which has every
    paper A has, and the new ones), not stay on A or fall back to an empty index while the
    ingest still holds the lock."""
    import threading

    from assistant.models.hashing import HashingEmbedder

    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    embedder = HashingEmbedder()
    PaperIndex(tmp_path / "idx", embedder).ingest(papers[:3])
    [first_segment] = (tmp_path / "idx" / "read").glob("seg-*")
    pointer_read, swapped, reader_done = threading.Event(), threading.Event(), threading.Event()
    writer = PaperIndex(tmp_path / "idx", embedder)
    append = writer.read_side.append

    def append_then_hold(*args):
        pointer_read.wait(30)
        append(*args)  # the new generation is live...
        swapped.set()
        reader_done.wait(30)  # ...but the ingest still holds the lock and its journal

    monkeypatch.setattr(writer.read_side, "append", append_then_hold)
    opening = Segment.__init__

    def open_late(self, directory, *args, **kwargs):
        if threading.current_thread().name == "reader" and directory == first_segment:
            pointer_read.set()
            swapped.wait(30)  # the manifest named generation A; B goes live before A is open
        opening(self, directory, *args, **kwargs)

    monkeypatch.setattr(Segment, "__init__", open_late)
    ingest = threading.Thread(target=writer.ingest, args=(papers,))
    ingest.start()
    while not Journal(tmp_path / "idx").exists():
        time.sleep(0.01)
    seen = {}

    def read():
        reader = PaperIndex(tmp_path / "idx", embedder)
        seen["count"] = reader.count()
        seen["papers"] = set(reader.papers([p.id for p in papers]))
        reader_done.set()

    thread = threading.Thread(target=read, name="reader")
    thread.start()
    thread.join(60)
    reader_done.set()
    ingest.join(60)
    assert pointer_read.is_set() and swapped.is_set()  # the race did happen
    assert seen["count"] == 6
    assert seen["papers"] == {p.id for p in papers}


def test_a_rebuild_of_many_pages_merges_as_it_goes(tmp_path, monkeypatch):
    """A rebuild writes a segment per page read back from the store and merges them as it goes
    (one generation, many merges). Hashing embedder: this is about the files."""
    from assistant.corpus import Paper
    from assistant.index import read_side
    from assistant.models.hashing import HashingEmbedder

    papers = [Paper.create(f"Paper {n} on topic {n % 3}", f"Abstract {n} about topic {n % 3}.") for n in range(10)]
    index = PaperIndex(tmp_path / "idx", HashingEmbedder())
    index.ingest(papers)
    monkeypatch.setattr(read_side, "PAGE", 1)
    assert index.rebuild() == 10
    snapshot = Snapshot.open(tmp_path / "idx" / "read")
    assert len(snapshot.segments) < 10 and snapshot.count == 10
    assert set(snapshot.papers([p.id for p in papers])) == {p.id for p in papers}


def test_an_index_no_longer_used_closes_its_files(tmp_path):
    """Chroma keeps one system per path for the life of a process; each store opening popped it
    and made another, so every index opened left ~11 descriptors (SQLite, HNSW files) behind,
    until a long test session ran out of select()'s 1024."""
    import gc
    import os

    from assistant.models.hashing import HashingEmbedder

    papers = load_corpus([DATA / "tiny.jsonl"]).papers

    def use_one(n: int) -> None:
        index = PaperIndex(tmp_path / f"idx{n}", HashingEmbedder())
        index.ingest(papers)
        index.store.refresh()  # what taking the write lock does: the next use opens afresh
        assert index.store.count() == len(papers)

    use_one(0)  # once-per-process set-up (Chroma's runtime) is not a leak
    gc.collect()
    before = len(os.listdir("/proc/self/fd"))
    for n in range(1, 4):
        use_one(n)
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) <= before
