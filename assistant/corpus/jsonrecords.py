"""JSON records: JSON lines (the arXiv metadata snapshot is one) and a JSON array, both read
as a stream. Fields of the wrong type are named with the type found."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import BinaryIO

from assistant.corpus.paper import Paper
from assistant.corpus.records import (
    INVALID, LIMIT_TEXT, MAX_RECORD_BYTES, MISSING, NOT_UTF8, WRONG_TYPE, Record, Rejection, decoded_lines, json_type,
    too_long,
)


class FieldError(ValueError):
    """Why a JSON object cannot be a paper; `kind` is the summary's category."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


def _wrong(field: str, value, expected: str) -> FieldError:
    return FieldError(f"'{field}' is {_article(json_type(value))}, expected {expected}", WRONG_TYPE)


def _article(name: str) -> str:
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _text(obj: dict, *names: str, required: bool = False) -> str | None:
    """The first of `names` present, as a string; a number is taken as written, except for the
    title and abstract (`required`), which must be text."""
    for name in names:
        if name in obj and obj[name] is not None:
            value = obj[name]
            if isinstance(value, bool) or not isinstance(value, (str, int, float)) or (
                    required and not isinstance(value, str)):
                raise _wrong(name, value, "a string")
            return str(value)
    if required:
        raise FieldError(f"missing '{names[0]}'", MISSING)
    return None


def _names(value, field: str) -> tuple[str, ...]:
    """Authors or categories: "A, B and C", "A; B", or an array (arXiv's authors_parsed gives
    [last, first, suffix] arrays)."""
    if value is None:
        return ()
    if isinstance(value, str):
        # arXiv writes "A, B and C"; other exports use ";" between names.
        separator = r"\s*;\s*" if ";" in value else r"\s*,\s*|\s+and\s+"
        return tuple(p.strip() for p in re.split(separator, value) if p.strip())
    if not isinstance(value, list):
        raise _wrong(field, value, "a string or an array of strings")
    out = []
    for item in value:
        if isinstance(item, list) and all(isinstance(part, str) for part in item):
            item = " ".join(item[1::-1]).strip()
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            item = item["name"]
        if not isinstance(item, str):
            raise FieldError(f"'{field}' holds {_article(json_type(item))}, expected strings", WRONG_TYPE)
        if item.strip():
            out.append(item.strip())
    return tuple(out)


_RFC2822 = re.compile(r"^(?:[A-Za-z]{3}, )?(\d{1,2}) ([A-Za-z]{3}) (\d{4}) \d{2}:\d{2}(?::\d{2})? (?:GMT|UT|UTC|[+-]0000)$")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                       "dec"), 1)}


def iso_date(raw) -> str | None:
    if raw is None or raw == "":
        return None
    raw = str(raw).strip()
    if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?", raw):
        return raw[:10]
    rfc = _RFC2822.match(raw)  # arXiv's "Mon, 1 Jan 2024 10:00:00 GMT", without email.utils' cost
    if rfc and rfc.group(2).casefold() in _MONTHS:
        return f"{rfc.group(3)}-{_MONTHS[rfc.group(2).casefold()]:02d}-{int(rfc.group(1)):02d}"
    try:
        return parsedate_to_datetime(raw).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def paper_from_mapping(obj, source: str) -> Paper:
    """A Paper from a JSON object, or FieldError saying which field is missing or wrong."""
    if not isinstance(obj, dict):
        raise FieldError(f"expected a JSON object, found {_article(json_type(obj))}", WRONG_TYPE)
    title = _text(obj, "title", required=True)
    if "abstract" not in obj and "summary" in obj:
        abstract = _text(obj, "summary", required=True)
    else:
        abstract = _text(obj, "abstract", required=True)
    raw_id = _text(obj, "arxiv_id") or _text(obj, "id")
    version = _text(obj, "version")
    date = _text(obj, "date") or _text(obj, "published")
    versions = obj.get("versions")
    if versions is not None and not isinstance(versions, list):
        raise _wrong("versions", versions, "an array")
    if versions:
        last, first = versions[-1], versions[0]
        version = version or (last.get("version") if isinstance(last, dict) else str(last))
        date = date or (first.get("created") if isinstance(first, dict) else None)
    date = date or _text(obj, "update_date")
    categories = obj.get("categories")
    if isinstance(categories, str):
        categories = categories.split()
    paper = Paper.create(
        title,
        abstract,
        arxiv_id=raw_id,
        version=str(version) if version else None,
        authors=_names(obj.get("authors"), "authors"),
        date=iso_date(date),
        categories=_names(categories, "categories"),
        url=_text(obj, "url"),
        source=source,
    )
    if not paper.title:
        raise FieldError("empty 'title'", MISSING)
    if not paper.abstract:
        raise FieldError("empty 'abstract'", MISSING)
    return paper


def _record(obj, path: Path, line: int, prefix: str = "") -> Record:
    try:
        return paper_from_mapping(obj, path.name)
    except FieldError as error:
        return Rejection(str(path), line, prefix + str(error), error.kind)


def read_jsonl(path: Path, handle: BinaryIO | None = None) -> Iterator[Record]:
    """One JSON object per line."""
    if handle is None:
        with path.open("rb") as handle:
            yield from read_jsonl(path, handle)
        return
    for number, line in decoded_lines(path, handle):
        if isinstance(line, Rejection):
            yield line
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Rejection(str(path), number, f"not valid JSON ({exc.msg})", INVALID)
            continue
        except RecursionError:
            yield Rejection(str(path), number, "not valid JSON (nested too deeply)", INVALID)
            continue
        yield _record(obj, path, number)


# ---------------------------------------------------------------- a JSON array, streamed

_ARRAY_START = re.compile(r'\s*(?:\[|\{\s*"papers"\s*:\s*\[)')
_WS = re.compile(r"\s*")
_STRUCTURE = re.compile(r'\\.|["{}\[\]]', re.S)  # an escape pair, a quote or a bracket
CHUNK = 1 << 16


def array_start(text: str) -> int | None:
    """Where the items begin: after `[`, or after `{"papers": [`; None for any other JSON."""
    match = _ARRAY_START.match(text)
    return match.end() if match else None


def read_json_array(path: Path, handle: BinaryIO | None = None) -> Iterator[Record]:
    """Items of `[...]` or `{"papers": [...]}` one at a time, never the whole document: an item
    that does not parse stops the file there (JSON has no resynchronisation point), with the
    items before it kept."""
    if handle is None:
        with path.open("rb") as handle:
            yield from read_json_array(path, handle)
        return
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
    decoder = json.JSONDecoder()
    buf, pos, line, eof = "", 0, 1, False

    def more() -> bool:
        nonlocal buf, pos, eof
        chunk = text.read(CHUNK)
        if not chunk:
            eof = True
            return False
        buf = buf[pos:] + chunk
        pos = 0
        return True

    def advance(to: int) -> None:
        nonlocal pos, line
        line += buf.count("\n", pos, to)
        pos = to

    def skip_value() -> int | None:
        """Move past the JSON value at `pos` by matching brackets outside strings, reading on in
        chunks and dropping what is behind; its size in characters, None at the end of the file."""
        depth, in_string, size = 0, False, 0
        while True:
            last_end = pos
            for match in _STRUCTURE.finditer(buf, pos):
                token, last_end = match.group(), match.end()
                if in_string:
                    if token == '"':
                        in_string = False
                        if depth == 0:  # the item was a string
                            size += match.end() - pos
                            advance(match.end())
                            return size
                elif token == '"':
                    in_string = True
                elif token in "{[":
                    depth += 1
                elif token in "}]":
                    depth -= 1
                    if depth == 0:
                        size += match.end() - pos
                        advance(match.end())
                        return size
            # A backslash at the very end escapes the next chunk's first character: keep it.
            cut = len(buf) - 1 if buf.endswith("\\") and last_end != len(buf) else len(buf)
            size += cut - pos
            advance(cut)
            if not more():
                return None

    def stop(reason: str, kind: str = INVALID) -> Rejection:
        return Rejection(str(path), line, f"{reason}; the rest of the file was skipped", kind)

    try:
        while not eof and len(buf) < 64:
            more()
        if buf.startswith("\ufeff"):
            advance(1)
        start = array_start(buf[pos:])
        if start is None:
            yield stop('expected a JSON array of objects, or {"papers": [...]}')
            return
        advance(pos + start)
        number = 0
        while True:
            while True:  # whitespace and the comma between items
                advance(_WS.match(buf, pos).end())
                if pos < len(buf) or not more():
                    break
            if pos >= len(buf):
                yield stop("the array is not closed")
                return
            if buf[pos] == "]":
                return
            if number and buf[pos] == ",":
                advance(pos + 1)
                continue
            number += 1
            while True:
                try:
                    obj, end = decoder.raw_decode(buf, pos)
                    break
                except json.JSONDecodeError as exc:
                    if len(buf) - pos > MAX_RECORD_BYTES:
                        obj, end = None, None
                        break
                    if not more():
                        yield stop(f"item {number}: not valid JSON ({exc.msg})")
                        return
                except RecursionError:
                    yield stop(f"item {number}: not valid JSON (nested too deeply)")
                    return
            item_line = line
            if end is None:  # over the limit: skipped without holding it
                skipped = skip_value()
                if skipped is None:
                    yield stop(f"item {number} is longer than the {LIMIT_TEXT} limit per record and not closed")
                    return
                yield too_long(path, item_line, skipped, f"item {number}")
                continue
            if end - pos > MAX_RECORD_BYTES:
                yield too_long(path, item_line, end - pos, f"item {number}")
            else:
                yield _record(obj, path, item_line, f"item {number}: ")
            advance(end)
            after = _WS.match(buf, pos).end()
            while after >= len(buf) and more():
                after = _WS.match(buf, pos).end()
            if after < len(buf) and buf[after] not in ",]":
                advance(after)
                yield stop(f"expected ',' or ']' after item {number}")
                return
    except UnicodeDecodeError:
        yield stop("not UTF-8 text", NOT_UTF8)
