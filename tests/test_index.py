import dataclasses
import json

from assistant.corpus import load_corpus
from assistant.index import PaperIndex
from assistant.index.lexical import LexicalIndex, tokenize

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


def test_lexical_index_is_persisted_beside_chroma_and_matches_titles(tmp_path, embedder):
    papers = load_corpus([DATA / "tiny.jsonl"]).papers
    PaperIndex(tmp_path / "idx", embedder).ingest(papers)
    assert (tmp_path / "idx" / LexicalIndex.FILE).exists()
    lexical = LexicalIndex.load(tmp_path / "idx")
    [(top, _), *_] = lexical.search("binary space partitioning meshes", 3)
    assert papers[[p.id for p in papers].index(top)].title.startswith("Learning Mesh Representations")


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
    assert index.count() == 0
    assert not (tmp_path / "idx" / LexicalIndex.FILE).exists()
    assert index.lexical_search("decoding", 5) == []


def test_tokenize_folds_hyphens_plurals_and_stopwords():
    assert tokenize("The Auto-Encoders are learning") == ["autoencoder", "auto", "encoder", "learn"]
