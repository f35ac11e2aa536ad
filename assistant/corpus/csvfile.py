"""CSV (or TSV) with a header naming `title` and `abstract` (or `summary`) columns."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from assistant.corpus.jsonrecords import FieldError, paper_from_mapping
from assistant.corpus.records import MAX_RECORD_BYTES, Record, Rejection, decoded_lines
from assistant.errors import InputFileError

csv.field_size_limit(max(csv.field_size_limit(), MAX_RECORD_BYTES))


def sniff(first_line: str):
    try:
        return csv.Sniffer().sniff(first_line, delimiters=",\t;")
    except csv.Error:
        return csv.excel


def header_columns(first_line: str) -> tuple[str | None, str | None]:
    """The title and abstract column names the header line gives (None when absent)."""
    try:
        row = next(csv.reader([first_line], sniff(first_line)), [])
    except csv.Error:  # e.g. a bare CR inside the line: not a header the csv module can read
        return None, None
    fields = {name.strip().casefold(): name for name in row}
    return fields.get("title"), fields.get("abstract") or fields.get("summary")


def read_csv(path: Path, handle: BinaryIO | None = None) -> Iterator[Record]:
    if handle is None:
        with path.open("rb") as handle:
            yield from read_csv(path, handle)
        return
    bad: list[Rejection] = []  # lines the csv module never sees (over-long, not UTF-8)

    def lines() -> Iterator[str]:
        for _, line in decoded_lines(path, handle):
            if isinstance(line, Rejection):
                bad.append(line)
                yield "\n"  # keeps csv's line count equal to the file's
            else:
                yield line

    source = lines()
    first = next(source, "")
    title_col, abstract_col = header_columns(first)
    if not title_col or not abstract_col:
        raise InputFileError(path, "expected a CSV header with 'title' and 'abstract' columns", 1)
    dialect = sniff(first)
    header = next(csv.reader([first], dialect))
    reader = csv.reader(source, dialect)  # its line_num counts from the line after the header
    while True:
        start = reader.line_num + 2
        try:
            row = next(reader)
        except StopIteration:
            yield from bad
            return
        except csv.Error as exc:
            row = exc
        yield from bad
        bad.clear()
        if isinstance(row, csv.Error):
            yield Rejection(str(path), start, f"bad CSV row ({row})")
            continue
        if not row or not any(cell.strip() for cell in row):
            continue
        obj = {key.strip().casefold(): value for key, value in zip(header, row)}
        obj["title"] = row[header.index(title_col)] if header.index(title_col) < len(row) else None
        obj["abstract"] = row[header.index(abstract_col)] if header.index(abstract_col) < len(row) else None
        try:
            yield paper_from_mapping(obj, path.name)
        except FieldError as error:
            yield Rejection(str(path), start, str(error), error.kind)
