"""The Daily Papers listing text: a title paragraph, then its abstract paragraph; page chrome
("Subscribe", dates, vote counts) skipped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from assistant.corpus.paper import Paper
from assistant.corpus.records import MAX_RECORD_BYTES, Record, Rejection, decoded_lines, too_long

_CHROME = {
    "new",
    "subscribe",
    "daily papers",
    "get trending papers in your email inbox!",
    "byak and the research community",
    "by ak and the research community",
}
_MONTH_DAY = re.compile(
    r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(,? \d{4})?$", re.I
)
_TITLE_MAX_CHARS = 300


def _is_chrome(block: str) -> bool:
    text = block.strip().casefold()
    return text in _CHROME or bool(_MONTH_DAY.match(text)) or text.isdigit()


def _blocks(path: Path, handle: BinaryIO) -> Iterator[tuple[int, str | Rejection]]:
    """Paragraphs separated by blank lines, with the line each starts on; a paragraph over the
    record limit is rejected (and not held in memory)."""
    start, current, size, over = 0, [], 0, False
    for number, line in decoded_lines(path, handle):
        if isinstance(line, Rejection):
            yield number, line
            continue
        if line.strip():
            if not current and not over:
                start = number
            size += len(line)
            if size > MAX_RECORD_BYTES:
                over, current = True, []
            elif not over:
                current.append(line.strip())
        elif current or over:
            yield start, too_long(path, start, size, "paragraph") if over else " ".join(current)
            current, size, over = [], 0, False
    if current or over:
        yield start, too_long(path, start, size, "paragraph") if over else " ".join(current)


def read_daily(path: Path, handle: BinaryIO | None = None) -> Iterator[Record]:
    if handle is None:
        with path.open("rb") as handle:
            yield from read_daily(path, handle)
        return
    title: tuple[int, str] | None = None
    for line, block in _blocks(path, handle):
        if isinstance(block, Rejection):
            yield block
            title = None  # its abstract, if any, is not paired with the wrong title
            continue
        if _is_chrome(block):
            continue
        if title is None:
            if len(block) > _TITLE_MAX_CHARS:
                yield Rejection(str(path), line, "expected a title line, found a long paragraph")
                continue
            title = (line, block)
        else:
            paper = Paper.create(title[1], block, source=path.name)
            if paper.title and paper.abstract:
                yield paper
            else:
                yield Rejection(str(path), title[0], "title or abstract empty once control characters are removed")
            title = None
    if title is not None:
        yield Rejection(str(path), title[0], "title without an abstract paragraph after it")
