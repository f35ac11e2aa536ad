import json

import pytest

from assistant.corpus import bundled_corpus_dir, detect_format, load_corpus
from assistant.corpus.readers import read_daily
from assistant.errors import InputFileError, MissingInputError, UsageError

CHROME = {"new", "Subscribe", "Daily Papers", "byAK and the research community",
          "by AK and the research community", "Get trending papers in your email inbox!"}


def test_bundled_pages_hold_268_entries_of_191_papers():
    corpus = load_corpus([bundled_corpus_dir()])
    assert corpus.records == 268
    assert len(corpus.papers) == 191
    assert corpus.duplicates == 77
    assert corpus.rejected == []


def test_no_page_chrome_becomes_a_title():
    titles = [p.title for p in load_corpus([bundled_corpus_dir()]).papers]
    assert not CHROME & set(titles)
    assert not [t for t in titles if t in {"Oct 2", "Mar 11", "Aug 20"}]
    assert all(len(t) < 300 for t in titles)


def test_the_paper_listed_with_two_abstracts_keeps_the_longer_one():
    papers = load_corpus([bundled_corpus_dir()]).papers
    [paper] = [p for p in papers if p.title.startswith("Automatically Interpreting Millions")]
    variants = {
        rec.abstract
        for path in sorted(bundled_corpus_dir().glob("*.txt"))
        for rec in read_daily(path)
        if rec.title == paper.title
    }
    assert len(variants) == 2
    assert paper.abstract == max(variants, key=len)


def test_line_wrapped_titles_and_whitespace_are_normalised(tmp_path):
    page = tmp_path / "page.txt"
    page.write_text("Subscribe\n\nOct 2\n\nA Long Title\nThat Wraps\n\nThe  abstract\nbody text here.\n")
    [paper] = list(read_daily(page))
    assert paper.title == "A Long Title That Wraps"
    assert paper.abstract == "The abstract body text here."


def test_jsonl_with_bad_lines_rejects_them_by_line_number(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(
        json.dumps({"title": "Paper A", "abstract": "About A."}) + "\n"
        + "{not json\n"
        + json.dumps({"title": "Paper B"}) + "\n"
    )
    corpus = load_corpus([path])
    assert [p.title for p in corpus.papers] == ["Paper A"]
    assert [(r.line, r.reason) for r in corpus.rejected] == [
        (2, "not valid JSON (Expecting property name enclosed in double quotes)"),
        (3, "missing 'abstract'"),
    ]


def test_arxiv_snapshot_keeps_newest_version_and_metadata(tmp_path):
    path = tmp_path / "arxiv.json"
    base = {"id": "2401.00001", "title": "Fast  Decoding", "authors": "A. One, B. Two and C. Three",
            "categories": "cs.CL cs.LG", "update_date": "2024-02-01"}
    lines = [
        {**base, "abstract": "Old abstract.", "versions": [{"version": "v1", "created": "Mon, 1 Jan 2024 10:00:00 GMT"}]},
        {**base, "abstract": "New abstract.", "versions": [
            {"version": "v1", "created": "Mon, 1 Jan 2024 10:00:00 GMT"},
            {"version": "v2", "created": "Mon, 8 Jan 2024 10:00:00 GMT"}]},
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines))
    assert detect_format(path) == "arxiv"
    [paper] = load_corpus([path]).papers
    assert paper.id == "2401.00001"
    assert paper.version == "v2"
    assert paper.abstract == "New abstract."
    assert paper.title == "Fast Decoding"
    assert paper.authors == ("A. One", "B. Two", "C. Three")
    assert paper.categories == ("cs.CL", "cs.LG")
    assert paper.date == "2024-01-01"
    assert paper.url == "https://arxiv.org/abs/2401.00001"


def test_csv_and_json_array_are_detected_and_read(tmp_path):
    csv_path = tmp_path / "papers.csv"
    csv_path.write_text('Title,Abstract,year\n"Paper, with comma","Body one."\nPaper 2,Body two.\n')
    json_path = tmp_path / "papers.json"
    json_path.write_text(json.dumps([{"title": "Paper 3", "summary": "Body three."}]))
    assert detect_format(csv_path) == "csv"
    assert detect_format(json_path) == "json"
    titles = [p.title for p in load_corpus([csv_path, json_path]).papers]
    assert titles == ["Paper, with comma", "Paper 2", "Paper 3"]


def test_duplicates_merge_by_normalised_title_keeping_the_longest(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(
        json.dumps({"title": "Deep Nets: A Study", "abstract": "Short."}) + "\n"
        + json.dumps({"title": "deep nets - a study", "abstract": "A longer abstract."}) + "\n"
    )
    corpus = load_corpus([path])
    assert [p.abstract for p in corpus.papers] == ["A longer abstract."]
    assert corpus.duplicates == 1


def test_ids_are_stable_across_runs():
    first = [p.id for p in load_corpus([bundled_corpus_dir()]).papers]
    second = [p.id for p in load_corpus([bundled_corpus_dir()]).papers]
    assert first == second and len(set(first)) == 191


def test_whole_file_errors(tmp_path):
    with pytest.raises(MissingInputError, match="no such file"):
        load_corpus([tmp_path / "missing.jsonl"])
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(InputFileError, match="binary file"):
        load_corpus([binary])
    with pytest.raises(UsageError, match="unknown format"):
        load_corpus([binary], "pdf")
    bad_csv = tmp_path / "bad.csv"
    bad_csv.write_text("name,text\na,b\n")
    with pytest.raises(InputFileError, match=r"bad.csv:1: expected a CSV header"):
        load_corpus([bad_csv])
