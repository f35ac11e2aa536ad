"""What every reader shares: the per-record rejection, the record size limit, and reading lines
in bounded memory (a 10 MB line costs 1 MiB of memory and one rejection, not the file)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from assistant.corpus.paper import Paper

MAX_RECORD_BYTES = 1 << 20  # one line, entry or array item; an abstract is a few kB
LIMIT_TEXT = "1 MiB"

# Kinds of rejection, counted in the ingest summary ("rejected 3 (2 not valid JSON, 1 too long)").
INVALID = "not valid JSON"
MISSING = "missing field"
WRONG_TYPE = "wrong type"
TOO_LONG = f"over the {LIMIT_TEXT} record limit"
NOT_UTF8 = "not UTF-8"
MALFORMED = "malformed record"


@dataclass(frozen=True)
class Rejection:
    path: str
    line: int
    reason: str
    kind: str = MALFORMED

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


Record = Paper | Rejection


def too_long(path, line: int, size: int | None = None, what: str = "record") -> Rejection:
    found = f" ({size:,} bytes)" if size else ""
    return Rejection(str(path), line, f"{what} longer than the {LIMIT_TEXT} limit per record{found}; skipped",
                     TOO_LONG)


def json_type(value) -> str:
    """The JSON name of a decoded value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def bounded_lines(handle: BinaryIO, limit: int = MAX_RECORD_BYTES) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, the line's bytes or None when it is over `limit`, its length in bytes).
    An over-long line is skipped in pieces, never held whole."""
    number = 0
    first = True
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if first:
            first = False
            if line.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark
                line = line[3:]
        if len(line) > limit and not line.endswith(b"\n"):
            size = len(line)
            while True:
                rest = handle.readline(1 << 20)
                size += len(rest)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, None, size
            continue
        yield number, line, len(line)


def decoded_lines(path, handle: BinaryIO, limit: int = MAX_RECORD_BYTES
                  ) -> Iterator[tuple[int, str | Rejection]]:
    """Lines as text, or the rejection of a line that is over-long or not UTF-8."""
    for number, raw, size in bounded_lines(handle, limit):
        if raw is None:
            yield number, too_long(path, number, size, "line")
            continue
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, Rejection(str(path), number, "not UTF-8 text; line skipped", NOT_UTF8)
