"""Readers: files in, `Paper` records (or per-record rejections) out, streamed.

Whole-file problems (missing, undetectable, unreadable) raise; a single bad record becomes a
`Rejection` naming its line, so one broken line does not cost the user the rest of the file.
One module per format: `daily.py`, `jsonrecords.py` (JSON lines, the arXiv snapshot, JSON
arrays), `csvfile.py`, `bibtex.py`, `ris.py`; `detect.py` picks one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from assistant.corpus.bibtex import read_bibtex
from assistant.corpus.csvfile import read_csv
from assistant.corpus.daily import read_daily
from assistant.corpus.detect import detect_format, sniff
from assistant.corpus.jsonrecords import read_json_array, read_jsonl
from assistant.corpus.records import MAX_RECORD_BYTES, Record, Rejection
from assistant.corpus.ris import read_ris
from assistant.errors import UsageError

FORMATS = ("daily", "jsonl", "json", "arxiv", "csv", "bibtex", "ris")

READERS: dict[str, Callable[[Path, BinaryIO | None], Iterator[Record]]] = {
    "daily": read_daily,
    "jsonl": read_jsonl,
    "arxiv": read_jsonl,
    "json": read_json_array,
    "csv": read_csv,
    "bibtex": read_bibtex,
    "ris": read_ris,
}

__all__ = ["FORMATS", "MAX_RECORD_BYTES", "READERS", "Record", "Rejection", "detect_format", "read_daily",
           "read_path", "sniff"]


def read_path(path: Path, fmt: str | None = None) -> Iterator[Record]:
    """Every record of a file or a directory, in one pass (see `Corpus` for the checked,
    streamed form `ingest` uses)."""
    from assistant.corpus.source import Corpus

    if fmt is not None and fmt not in READERS:
        raise UsageError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    corpus = Corpus([path], fmt)
    for record in corpus.records_and_rejections():
        yield record
