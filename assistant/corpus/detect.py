"""Which reader a file needs, decided from its first 64 KiB (the extension only breaks ties).

Never from a whole first line: a JSON-lines file whose first record is 10 MB is still JSON
lines."""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.corpus.bibtex import ENTRY_START
from assistant.corpus.csvfile import header_columns
from assistant.corpus.jsonrecords import array_start
from assistant.corpus.ris import TAG
from assistant.errors import InputFileError, MissingInputError

HEAD = 1 << 16
KNOWN = "Daily Papers text, JSONL, JSON, CSV, BibTeX or RIS"


def sniff(path: Path) -> tuple[str, bool]:
    """(format, whether the content itself says so); False: plain text, read as a Daily
    Papers page only because nothing else fits. Whole-file problems raise."""
    try:
        with path.open("rb") as handle:
            head = handle.read(HEAD)
    except FileNotFoundError:
        raise MissingInputError(f"{path}: no such file") from None
    except OSError as exc:
        raise MissingInputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if b"\x00" in head:
        raise InputFileError(path, f"binary file; expected text ({KNOWN})")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # An error on the first line is the file's encoding; a later one, one bad line (the
        # reader rejects it alone). The 64 KiB may also end inside a character.
        if b"\n" not in head.lstrip()[: exc.start - (len(head) - len(head.lstrip()))]:
            raise InputFileError(path, "not UTF-8 text") from None
        text = head.decode("utf-8", errors="replace")
    text = text.removeprefix("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        raise InputFileError(path, "empty file; expected abstracts")
    suffix = path.suffix.casefold()
    first_line = stripped.split("\n", 1)[0].rstrip("\r")
    if stripped.startswith("["):
        return "json", True
    if stripped.startswith("{"):
        if array_start(stripped) is not None or first_line.strip() == "{":
            return "json", True  # {"papers": [...]}, or a pretty-printed document
        arxiv = re.search(r'"versions"\s*:\s*\[', first_line) and re.search(r'"abstract"\s*:', first_line)
        try:  # a whole first line, when the head holds one, settles the arXiv case
            obj = json.loads(first_line)
            arxiv = isinstance(obj, dict) and "versions" in obj
        except (json.JSONDecodeError, RecursionError):
            pass
        return ("arxiv" if arxiv else "jsonl"), True
    content_lines = [line for line in stripped.splitlines() if line.strip() and not line.lstrip().startswith("%")]
    if content_lines and ENTRY_START.match(content_lines[0]):
        return "bibtex", True
    match = TAG.match(first_line)
    if match and match.group(1) == "TY":
        return "ris", True
    title_col, abstract_col = header_columns(first_line)
    if title_col and abstract_col and re.search(r"[,\t;]", first_line):
        return "csv", True
    by_suffix = {".csv": "csv", ".tsv": "csv", ".bib": "bibtex", ".ris": "ris", ".jsonl": "jsonl",
                 ".json": "json"}
    if suffix in by_suffix:
        return by_suffix[suffix], True
    return "daily", False


def detect_format(path: Path) -> str:
    return sniff(path)[0]
