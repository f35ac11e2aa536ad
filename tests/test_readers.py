"""Readers on bad and unusual input: each bad record is rejected alone, with its line and the
reason; whole-file problems stop before anything is read; BibTeX and RIS as exported."""

import json

import pytest

from assistant.corpus import Corpus, detect_format, load_corpus
from assistant.corpus.records import MAX_RECORD_BYTES
from assistant.errors import InputFileError

GOOD = {"title": "Speculative decoding with drafts", "abstract": "We draft tokens and verify them."}


def test_a_10_mb_first_record_is_rejected_alone_and_the_next_one_lands(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"title": "Huge", "abstract": "x" * (10 << 20)}) + "\n" + json.dumps(GOOD) + "\n")
    assert detect_format(path) == "jsonl"
    corpus = load_corpus([path])
    assert [p.title for p in corpus.papers] == [GOOD["title"]]
    [rejection] = corpus.rejected
    assert rejection.line == 1
    assert "longer than the 1 MiB limit per record" in rejection.reason


def test_the_limit_is_the_stated_one(tmp_path):
    path = tmp_path / "p.jsonl"
    fits = {"title": "Fits", "abstract": "y" * (MAX_RECORD_BYTES - 100)}
    over = {"title": "Over", "abstract": "y" * (MAX_RECORD_BYTES + 100)}
    path.write_text(json.dumps(fits) + "\n" + json.dumps(over) + "\n")
    corpus = load_corpus([path])
    assert [p.title for p in corpus.papers] == ["Fits"]
    assert [r.line for r in corpus.rejected] == [2]


def test_an_over_long_item_of_a_json_array_is_skipped_and_the_rest_lands(tmp_path):
    path = tmp_path / "p.json"
    items = [GOOD, {"title": "Huge", "abstract": 'x\\"{[' * (1 << 19)}, {"title": "After", "abstract": "Body."}]
    path.write_text(json.dumps(items, indent=1))
    corpus = load_corpus([path])
    assert [p.title for p in corpus.papers] == [GOOD["title"], "After"]
    assert "item 2 longer than the 1 MiB limit" in corpus.rejected[0].reason


def test_a_json_array_with_a_syntax_error_keeps_the_items_before_it(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('[' + json.dumps(GOOD) + ',\n {"title": "Broken", "abstract": }, ' + json.dumps(GOOD) + "]")
    corpus = load_corpus([path])
    assert [p.title for p in corpus.papers] == [GOOD["title"]]
    assert str(corpus.rejected[0]) == (f"{path}:2: item 2: not valid JSON (Expecting value); "
                                       "the rest of the file was skipped")


@pytest.mark.parametrize("value, found", [(12, "a number"), (["a"], "an array"), ({"x": 1}, "an object"),
                                          (True, "a boolean")])
def test_wrong_json_types_name_the_field_and_the_type_found(tmp_path, value, found):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"title": value, "abstract": "Body."}) + "\n"
                    + json.dumps({"title": "T", "abstract": value}) + "\n" + json.dumps(GOOD) + "\n")
    corpus = load_corpus([path])
    assert [r.reason for r in corpus.rejected] == [f"'title' is {found}, expected a string",
                                                   f"'abstract' is {found}, expected a string"]
    assert len(corpus.papers) == 1


def test_wrong_types_in_metadata_are_named_too(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({**GOOD, "authors": 7}) + "\n" + json.dumps({**GOOD, "versions": "v2"}) + "\n"
                    + json.dumps({**GOOD, "authors": ["A", 3]}) + "\n" + json.dumps([GOOD]) + "\n")
    assert [r.reason for r in load_corpus([path]).rejected] == [
        "'authors' is a number, expected a string or an array of strings",
        "'versions' is a string, expected an array",
        "'authors' holds a number, expected strings",
        "expected a JSON object, found an array",
    ]


def test_control_characters_and_escape_sequences_are_removed_from_stored_text(tmp_path):
    path = tmp_path / "p.jsonl"
    title = "Clip\x1b]52;c;SGVsbG8=\x07board \x00NUL\x1b[2J and\bbell\x07"
    path.write_text(json.dumps({"title": title, "abstract": "Body\x1b[31m red\x1b[0m\x9b1m.",
                                "authors": ["Eve\x1b]0;pwned\x07 Doe"]}) + "\n")
    [paper] = load_corpus([path]).papers
    assert paper.title == "Clipboard NUL andbell"
    assert paper.abstract == "Body red."
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in paper.title + paper.abstract)


def test_a_record_that_is_only_control_characters_is_rejected(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps({"title": "\x00\x07", "abstract": "Body."}) + "\n")
    assert [r.reason for r in load_corpus([path]).rejected] == ["empty 'title'"]


def test_lines_that_are_not_utf8_are_rejected_alone(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"title": "\xff\xfe", "abstract": "x"}\n'
                     + json.dumps({**GOOD, "title": "Third"}).encode() + b"\n")
    corpus = load_corpus([path])
    assert len(corpus.papers) == 2
    assert str(corpus.rejected[0]) == f"{path}:2: not UTF-8 text; line skipped"


def test_a_directory_skips_files_of_no_known_format_with_a_note(tmp_path):
    folder = tmp_path / "papers"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.jsonl").write_text(json.dumps(GOOD) + "\n")
    (folder / "sub" / "b.csv").write_text("title,abstract\nPaper B,Body B.\n")
    (folder / "paper.pdf").write_bytes(b"%PDF-1.5\n\x00\x01\x02 stream")
    (folder / "README.md").write_text("# My papers\n\nNotes to self.\n")
    (folder / "empty.txt").write_text("")
    (folder / "latin1.txt").write_bytes("Caf\xe9 notes".encode("latin-1"))
    (folder / ".hidden.jsonl").write_text("{broken\n")
    corpus = Corpus([folder])
    assert [f.path.name for f in corpus.files] == ["a.jsonl", "b.csv"]
    assert {s.path.name: s.reason for s in corpus.skipped} == {
        "README.md": "no known format (Daily Papers text, JSONL, JSON, CSV, BibTeX or RIS); skipped",
        "empty.txt": "empty file; expected abstracts",
        "latin1.txt": "not UTF-8 text",
        "paper.pdf": "binary file; expected text (Daily Papers text, JSONL, JSON, CSV, BibTeX or RIS)",
    }
    assert sorted(p.title for p in corpus) == ["Paper B", GOOD["title"]]


def test_a_named_file_of_no_known_format_still_stops_the_run(tmp_path):
    binary = tmp_path / "paper.pdf"
    binary.write_bytes(b"%PDF\x00")
    with pytest.raises(InputFileError, match="binary file"):
        Corpus([tmp_path / "ok.jsonl", binary] if False else [binary])


def test_the_summary_counts_rejections_by_kind(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text("{bad\n" + json.dumps({"title": 1, "abstract": "x"}) + "\n{\n" + json.dumps({"title": "T"}) + "\n")
    corpus = Corpus([path])
    assert list(corpus) == []
    assert corpus.rejection_summary() == "4 (2 not valid JSON, 1 wrong type, 1 missing field)"


def test_the_stream_reports_bytes_read_for_progress(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps({**GOOD, "title": f"Paper {n}"}) + "\n" for n in range(5000)))
    corpus = Corpus([path])
    seen = []
    for n, _ in enumerate(corpus):
        if n % 1000 == 0:
            seen.append(corpus.bytes_read)
    assert corpus.total_bytes == path.stat().st_size
    assert seen == sorted(seen) and 0 < seen[-1] <= corpus.total_bytes
    assert corpus.bytes_read == corpus.total_bytes and corpus.records == 5000


# ---------------------------------------------------------------- BibTeX and RIS

BIB = r"""% exported by Zotero
@string{jmlr = "Journal of Machine Learning Research"}

@article{muller2021bert,
  title = {{BERT} for Schr{\"o}dinger's Cats: {\'E}tude of na\"ive caf\'{e}s},
  author = {M{\"u}ller, J{\"o}rg and Garc\'{\i}a, Jos\'e and {\O}stergaard, S{\o}ren},
  abstract = {We study 50\% of \emph{cats} -- with ``quotes''.},
  journal = jmlr,
  year = {2021}, month = may,
  doi = {10.1000/xyz123},
  eprint = {2101.00001v2}, archivePrefix = {arXiv}, primaryClass = {cs.CL},
}

@inproceedings{noabstract,
  title = {A Paper Without an Abstract},
  author = {Doe, Jane},
  year = 2020
}

@misc{scholar,
  title={Attention is all you need},
  author={Vaswani, Ashish and Shazeer, Noam},
  journal={arXiv preprint arXiv:1706.03762},
  abstract={The dominant sequence transduction models are based on recurrent networks.},
  year={2017}
}

@article{broken,
  title = {Unclosed brace,
  abstract = {never ends}

@article{muller2021bertdup,
  TITLE = {BERT for Schrödinger's cats: étude of naïve cafés},
  ABSTRACT = {A longer duplicate abstract of the same paper, exported twice.},
  Eprint = {2101.00001v1}
}
"""


def test_bibtex_with_accents_braces_strings_and_missing_fields(tmp_path):
    path = tmp_path / "library.bib"
    path.write_text(BIB)
    assert detect_format(path) == "bibtex"
    corpus = load_corpus([path])
    by_id = {p.id: p for p in corpus.papers}
    bert = by_id["2101.00001"]
    assert bert.title == "BERT for Schrödinger's Cats: Étude of naïve cafés"
    assert bert.authors == ("Jörg Müller", "José García", "Søren Østergaard")
    assert bert.abstract == "We study 50% of cats – with “quotes”."  # v2 wins over the v1 duplicate
    assert (bert.version, bert.date, bert.categories) == ("v2", "2021-05", ("cs.CL",))
    assert bert.url == "https://doi.org/10.1000/xyz123"
    scholar = by_id["1706.03762"]
    assert scholar.authors == ("Ashish Vaswani", "Noam Shazeer")
    assert scholar.url == "https://arxiv.org/abs/1706.03762"
    assert corpus.duplicates == 1
    reasons = [(r.line, r.reason) for r in corpus.rejected]
    assert (14, "entry 'noabstract' has no abstract") in reasons
    assert any(line == 28 and reason.startswith("not a valid BibTeX entry") for line, reason in reasons)
    assert len(corpus.papers) == 2


RIS = """TY  - JOUR
TI  - Grounded answers from abstracts
AU  - Doe, Jane
AU  - Roe, Richard
PY  - 2023/05/17/
AB  - We answer questions
  from abstracts.
DO  - 10.48550/arXiv.2305.01234
ER  - 

TY  - CONF
T1  - Caf\u00e9 na\u00efve: accents survive
A1  - M\u00fcller, J\u00f6rg
Y1  - 2022///
N2  - An abstract with accents: \u00e9\u00e8\u00ea.
UR  - https://example.org/paper
ER  - 

TY  - JOUR
TI  - No abstract here
ER  - 

TY  - JOUR
TI  - grounded answers from abstracts
AB  - The same paper again (a duplicate by title), with a longer abstract than before.
ER  - 

TY  - JOUR
TI  - Cut off
AB  - The file ends inside this record
"""


def test_ris_records_map_metadata_and_reject_incomplete_ones(tmp_path):
    path = tmp_path / "export.ris"
    path.write_text(RIS)
    assert detect_format(path) == "ris"
    corpus = load_corpus([path])
    first, second = corpus.papers
    from assistant.corpus.ris import read_ris

    assert next(read_ris(path)).abstract == "We answer questions from abstracts."  # a wrapped line joined
    assert (first.id, first.version) == ("2305.01234", None)
    assert first.authors == ("Jane Doe", "Richard Roe")
    assert first.date == "2023-05-17"
    # merged with its duplicate by title: the longer abstract, the arXiv id and authors kept
    assert first.abstract.startswith("The same paper again")
    assert second.title == "Café naïve: accents survive"
    assert (second.authors, second.date, second.url) == (("Jörg Müller",), "2022", "https://example.org/paper")
    assert corpus.duplicates == 1
    assert [(r.line, r.reason) for r in corpus.rejected] == [
        (19, "record has no abstract (AB or N2)"),
        (28, "record not closed by 'ER  -' (file ends inside it)"),
    ]
