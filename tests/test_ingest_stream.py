"""Streaming ingest of a generated arXiv snapshot of a few thousand records: records flow
reader -> dedupe -> embed -> store in batches; duplicates far apart in the stream are merged;
an older version never replaces a newer one; unchanged input is not embedded again.

These use `HashingEmbedder` (injected through the service): embedding thousands of abstracts
with MiniLM takes minutes on 2 cores, and these tests are about the flow, not the vectors.
Real-MiniLM ingests are in test_index.py, test_cli.py and test_kills.py."""

import json

from assistant.corpus import Corpus
from assistant.index import ingest as ingesting
from assistant.models.hashing import HashingEmbedder
from assistant.service import Assistant
from assistant.settings import Settings

from arxiv_data import record, write_snapshot


class CountingEmbedder(HashingEmbedder):
    def __init__(self, corpus_of=None):
        super().__init__()
        self.calls: list[tuple[int, int]] = []  # (texts, bytes of input read when called)
        self.corpus_of = corpus_of

    def encode(self, texts, on_batch=None):
        read = self.corpus_of().bytes_read if self.corpus_of else 0
        self.calls.append((len(texts), read))
        return super().encode(texts, on_batch)


def service(tmp_path, embedder, **settings):
    return Assistant(Settings(index_dir=tmp_path / "idx", **settings), embedder=embedder, ingest_embedder=embedder)


def test_records_are_embedded_and_written_while_the_file_is_still_being_read(tmp_path, monkeypatch):
    monkeypatch.setattr(ingesting, "BATCH", 500)  # records planned together (4096 by default)
    path = write_snapshot(tmp_path / "arxiv.json", 3000)
    state = {}
    embedder = CountingEmbedder(lambda: state["corpus"])
    # Paper vectors only: each slice's sentences are embedded after it is written (tests/test_sentence_vectors.py).
    assistant = service(tmp_path, embedder, ingest_slice=256, sentence_vectors=False)
    corpus = state["corpus"] = assistant.load([path])
    seen = []
    report = assistant.ingest(corpus, lambda p: seen.append((p.bytes_done, p.records, p.embedded)))
    assert (report.added, report.rejected, corpus.records) == (3000, 0, 3000)
    assert assistant.index.count() == 3000
    assert all(n <= 256 for n, _ in embedder.calls)
    first_read = embedder.calls[0][1]
    assert 0 < first_read < corpus.total_bytes  # the first slice was embedded long before the end
    assert seen[-1] == (corpus.total_bytes, 3000, 3000)
    assert [b for b, _, _ in seen] == sorted(b for b, _, _ in seen)


def test_unchanged_input_is_read_but_never_embedded_again_nor_the_store_read_back(tmp_path, monkeypatch):
    from assistant.index.chroma_base import ChromaCollectionStore
    from assistant.index.snapshot import Snapshot

    path = write_snapshot(tmp_path / "arxiv.json", 2000)
    embedder = CountingEmbedder()
    assistant = service(tmp_path, embedder)
    assistant.ingest(assistant.load([path]))
    generation = Snapshot.open(tmp_path / "idx" / "read").generation
    embedder.calls.clear()

    def forbidden(*_args, **_kwargs):
        raise AssertionError("the store was read back")

    for name in ("pages", "get", "stored_versions", "upsert"):
        monkeypatch.setattr(ChromaCollectionStore, name, forbidden)
    again = service(tmp_path, embedder).ingest(assistant.load([path]))
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2000)
    assert embedder.calls == []
    assert Snapshot.open(tmp_path / "idx" / "read").generation == generation  # nothing rewritten


def test_duplicates_far_apart_in_the_stream_are_merged_and_versions_respected(tmp_path, monkeypatch):
    """Batches of 100 records: the duplicates below are several batches apart, so only the
    on-disk dedupe across the stream can merge them."""
    monkeypatch.setattr(ingesting, "BATCH", 100)
    rows = [record(n) for n in range(1000)]
    rows[700] = record(5, version=3)  # paper 5 again, newer: replaces the earlier one
    rows[800] = record(6)  # paper 6 again, identical: merged, nothing to write
    rows[900] = record(7, version=1) | {"abstract": "A much longer abstract of paper seven. " * 20}
    rows[950] = {"title": rows[10]["title"].upper(), "abstract": "Same title as paper 10, no arXiv id."}
    path = tmp_path / "arxiv.json"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assistant = service(tmp_path, HashingEmbedder())
    report = assistant.ingest(assistant.load([path]))
    assert report.duplicates == 4
    assert assistant.index.count() == 996
    papers = assistant.papers([record(n)["id"] for n in (5, 6, 7, 10)])
    assert papers["2000.00005"].version == "v3" and "Version 3" in papers["2000.00005"].abstract
    assert papers["2000.00007"].abstract.startswith("A much longer abstract")
    # merged by title into the arXiv record; an arXiv version (v1) outranks a record without one
    assert papers["2000.00010"].abstract.endswith("Version 1 of study 10.")
    assert report.added == 996 and report.updated == 0

    # An older dump later: v1 of paper 5 never replaces v3; paper 8 at v2 does replace v1.
    old = tmp_path / "old.json"
    old.write_text(json.dumps(record(5, version=1)) + "\n" + json.dumps(record(8, version=2)) + "\n")
    later = service(tmp_path, HashingEmbedder()).ingest(assistant.load([old]))
    assert (later.older, later.updated, later.added) == (1, 1, 0)
    assert assistant.papers(["2000.00005"])["2000.00005"].version == "v3"


def test_rejected_records_are_counted_by_kind_and_the_rest_lands(tmp_path):
    path = write_snapshot(tmp_path / "arxiv.json", 300)
    with path.open("a") as handle:
        handle.write("{not json\n" + json.dumps(record(301) | {"title": 5}) + "\n" + json.dumps({"title": "x"}) + "\n")
    assistant = service(tmp_path, HashingEmbedder())
    corpus = assistant.load([path])
    report = assistant.ingest(corpus)
    assert (report.added, report.rejected) == (300, 3)
    assert "rejected 3 (1 not valid JSON, 1 wrong type, 1 missing field)" in report.summary()
    assert [r.line for r in corpus.rejected] == [301, 302, 303]


def test_an_input_with_no_papers_opens_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("{bad\n")
    assistant = service(tmp_path, HashingEmbedder())
    report = assistant.ingest(Corpus([path]))
    assert report.added == 0 and report.rejected == 1
    assert not (tmp_path / "idx").exists()
