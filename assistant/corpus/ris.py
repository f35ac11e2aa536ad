"""RIS (`.ris`, the reference-manager interchange format): `TY  - ` opens a record, `ER  - `
closes it, one `TAG  - value` per line; a line without a tag continues the one before."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from assistant.corpus.jsonrecords import iso_date
from assistant.corpus.paper import Paper
from assistant.corpus.records import MAX_RECORD_BYTES, MISSING, Record, Rejection, decoded_lines, too_long

TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*)|\s*)$")
_ARXIV = re.compile(r"(?:arxiv[:.\s/]*|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
                    re.I)


def _first(tags: dict[str, list[str]], *names: str) -> str:
    for name in names:
        for value in tags.get(name, []):
            if value.strip():
                return value.strip()
    return ""


def _person(name: str) -> str:
    """RIS writes "Last, First[, Suffix]": "Doe, Jane" -> "Jane Doe"."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) >= 2 and parts[0] and parts[1]:
        return " ".join([parts[1], parts[0], *parts[2:]]).strip()
    return name.strip()


def _date(tags: dict[str, list[str]]) -> str | None:
    """RIS writes "2021/05/03/" or "2021///" (PY, Y1, DA)."""
    raw = _first(tags, "DA", "PY", "Y1")
    parts = [p for p in raw.split("/") if p.strip()]
    if not parts or not re.fullmatch(r"\d{4}", parts[0].strip()):
        return iso_date(raw)
    return iso_date("-".join(p.strip().zfill(2) for p in parts[:3]))


def _paper(tags: dict[str, list[str]], path: Path, line: int) -> Record:
    title = _first(tags, "TI", "T1", "CT", "BT")
    abstract = " ".join(v for name in ("AB", "N2") for v in tags.get(name, []) if v.strip())
    if not title:
        return Rejection(str(path), line, "record has no title (TI or T1)", MISSING)
    if not abstract.strip():
        return Rejection(str(path), line, "record has no abstract (AB or N2)", MISSING)
    doi = _first(tags, "DO")
    urls = [u.strip() for name in ("UR", "L2") for u in tags.get(name, []) if u.strip()]
    arxiv = None
    for text in [*urls, doi, _first(tags, "N1"), _first(tags, "JO", "T2", "JF"), _first(tags, "AN", "ID")]:
        match = _ARXIV.search(text)
        if match:
            arxiv = match.group(1)
            break
    paper = Paper.create(
        title, abstract,
        arxiv_id=arxiv,
        authors=tuple(_person(a) for name in ("AU", "A1") for a in tags.get(name, []) if a.strip()),
        date=_date(tags),
        url=urls[0] if urls else (f"https://doi.org/{doi}" if doi else None),
        source=path.name,
    )
    if not paper.title or not paper.abstract:
        return Rejection(str(path), line, "title or abstract empty once control characters are removed", MISSING)
    return paper


def read_ris(path: Path, handle: BinaryIO | None = None) -> Iterator[Record]:
    if handle is None:
        with path.open("rb") as handle:
            yield from read_ris(path, handle)
        return
    tags: dict[str, list[str]] | None = None
    start = size = 0
    last = ""
    for number, line in decoded_lines(path, handle):
        if isinstance(line, Rejection):
            yield line
            if tags is not None:
                size = MAX_RECORD_BYTES + 1  # the record lost a line: reject it whole
            continue
        text = line.rstrip("\r\n")
        match = TAG.match(text)
        if match and match.group(1) == "TY":
            if tags is not None:
                yield Rejection(str(path), start, "record not closed by 'ER  -' before the next 'TY  -'")
            tags, start, size, last = {}, number, 0, ""
            continue
        if tags is None:
            if text.strip():
                yield Rejection(str(path), number, "text outside a record (expected 'TY  - ')")
            continue
        size += len(line)
        if match and match.group(1) == "ER":
            yield too_long(path, start, size) if size > MAX_RECORD_BYTES else _paper(tags, path, start)
            tags = None
            continue
        if size > MAX_RECORD_BYTES:
            tags.clear()
            continue
        if match:
            last = match.group(1)
            tags.setdefault(last, []).append(match.group(2) or "")
        elif last and text.strip():
            tags[last][-1] += " " + text.strip()  # a wrapped value
    if tags is not None:
        yield Rejection(str(path), start, "record not closed by 'ER  -' (file ends inside it)")
