"""Readers: files in, `Paper` records (or per-record rejections) out, streamed.

Whole-file problems (missing, undetectable, unreadable) raise; a single bad record becomes a
`Rejection` naming its line, so one broken line does not cost the user the rest of the file.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path

from assistant.corpus.paper import Paper
from assistant.errors import InputFileError, MissingInputError, UsageError

FORMATS = ("daily", "jsonl", "json", "arxiv", "csv")


@dataclass(frozen=True)
class Rejection:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


Record = Paper | Rejection

# ---------------------------------------------------------------- Daily Papers listing pages

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


def _blocks(lines: Iterator[str]) -> Iterator[tuple[int, str]]:
    """Paragraphs separated by blank lines, with the line number each starts on."""
    start, current = 0, []
    for number, line in enumerate(lines, 1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            yield start, " ".join(current)
            current = []
    if current:
        yield start, " ".join(current)


def read_daily(path: Path) -> Iterator[Record]:
    """A title paragraph followed by its abstract paragraph, page chrome skipped."""
    title: tuple[int, str] | None = None
    with path.open(encoding="utf-8") as handle:
        for line, block in _blocks(handle):
            if _is_chrome(block):
                continue
            if title is None:
                if len(block) > _TITLE_MAX_CHARS:
                    yield Rejection(str(path), line, "expected a title line, found a long paragraph")
                    continue
                title = (line, block)
            else:
                yield Paper.create(title[1], block, source=path.name)
                title = None
    if title is not None:
        yield Rejection(str(path), title[0], "title without an abstract paragraph after it")


# ---------------------------------------------------------------- JSON records

def _as_list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        # arXiv writes "A, B and C"; other exports use ";" between names.
        separator = r"\s*;\s*" if ";" in value else r"\s*,\s*|\s+and\s+"
        return tuple(p.strip() for p in re.split(separator, value) if p.strip())
    return tuple(str(v).strip() for v in value if str(v).strip())


def _iso_date(raw) -> str | None:
    if not raw:
        return None
    raw = str(raw).strip()
    if re.match(r"^\d{4}(-\d{2}(-\d{2})?)?", raw):
        return raw[:10]
    try:
        return parsedate_to_datetime(raw).date().isoformat()
    except (TypeError, ValueError):
        return None


def _paper_from_mapping(obj: dict, source: str) -> Paper | str:
    """A Paper, or the reason the object cannot be one."""
    if not isinstance(obj, dict):
        return f"expected a JSON object, found {type(obj).__name__}"
    title = obj.get("title")
    abstract = obj.get("abstract", obj.get("summary"))
    if not isinstance(title, str) or not title.strip():
        return "missing 'title'"
    if not isinstance(abstract, str) or not abstract.strip():
        return "missing 'abstract'"
    raw_id = obj.get("arxiv_id") or obj.get("id")
    versions = obj.get("versions")
    version = obj.get("version")
    date = obj.get("date") or obj.get("published")
    if isinstance(versions, list) and versions:
        last = versions[-1]
        version = version or (last.get("version") if isinstance(last, dict) else str(last))
        first = versions[0]
        date = date or (first.get("created") if isinstance(first, dict) else None)
    date = date or obj.get("update_date")
    authors = obj.get("authors")
    if isinstance(authors, list):
        authors = [" ".join(a[1::-1]).strip() if isinstance(a, list) else a for a in authors]
    categories = obj.get("categories")
    if isinstance(categories, str):
        categories = categories.split()
    return Paper.create(
        title,
        abstract,
        arxiv_id=str(raw_id) if raw_id else None,
        version=str(version) if version else None,
        authors=_as_list(authors),
        date=_iso_date(date),
        categories=_as_list(categories),
        url=obj.get("url"),
        source=source,
    )


def read_jsonl(path: Path) -> Iterator[Record]:
    """One JSON object per line; the arXiv metadata snapshot is this format too."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Rejection(str(path), number, f"not valid JSON ({exc.msg})")
                continue
            paper = _paper_from_mapping(obj, path.name)
            yield paper if isinstance(paper, Paper) else Rejection(str(path), number, paper)


def read_json_array(path: Path) -> Iterator[Record]:
    try:
        with path.open(encoding="utf-8") as handle:
            items = json.load(handle)
    except json.JSONDecodeError as exc:
        raise InputFileError(path, f"not valid JSON ({exc.msg})", exc.lineno) from None
    if isinstance(items, dict) and isinstance(items.get("papers"), list):
        items = items["papers"]
    if not isinstance(items, list):
        raise InputFileError(path, "expected a JSON array of objects with title and abstract")
    for number, obj in enumerate(items, 1):
        paper = _paper_from_mapping(obj, path.name)
        # Array files have no useful line numbers; the item number is what a user can find.
        yield paper if isinstance(paper, Paper) else Rejection(str(path), number, f"item {number}: {paper}")


# ---------------------------------------------------------------- CSV

def read_csv(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8", newline="") as handle:
        sample = handle.read(8192)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", delimiters=",\t;")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(handle, dialect=dialect)
        fields = {name.strip().casefold(): name for name in reader.fieldnames or []}
        title_col = fields.get("title")
        abstract_col = fields.get("abstract") or fields.get("summary")
        if not title_col or not abstract_col:
            raise InputFileError(path, "expected a CSV header with 'title' and 'abstract' columns", 1)
        for row in reader:
            obj = {key.strip().casefold(): value for key, value in row.items() if key}
            obj["title"], obj["abstract"] = row.get(title_col), row.get(abstract_col)
            paper = _paper_from_mapping(obj, path.name)
            yield paper if isinstance(paper, Paper) else Rejection(str(path), reader.line_num, paper)


# ---------------------------------------------------------------- detection

READERS: dict[str, Callable[[Path], Iterator[Record]]] = {
    "daily": read_daily,
    "jsonl": read_jsonl,
    "arxiv": read_jsonl,
    "json": read_json_array,
    "csv": read_csv,
}


def detect_format(path: Path) -> str:
    """Decide from the content (the extension only breaks ties)."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if b"\x00" in head:
        raise InputFileError(path, "binary file; expected text (Daily Papers page, JSONL, JSON, CSV)")
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head[:-4].decode("utf-8", errors="strict") if len(head) == 65536 else None
        if text is None:
            raise InputFileError(path, "not UTF-8 text") from None
    stripped = text.lstrip()
    if not stripped:
        raise InputFileError(path, "empty file; expected abstracts")
    if stripped.startswith("["):
        return "json"
    if stripped.startswith("{"):
        first = stripped.splitlines()[0]
        try:
            obj = json.loads(first)
        except json.JSONDecodeError:
            return "json"  # a pretty-printed JSON document
        return "arxiv" if isinstance(obj, dict) and "versions" in obj else "jsonl"
    header = stripped.splitlines()[0].casefold()
    if path.suffix.casefold() in {".csv", ".tsv"} or (
        "title" in header and ("abstract" in header or "summary" in header) and re.search(r"[,\t;]", header)
    ):
        return "csv"
    return "daily"


def read_path(path: Path, fmt: str | None = None) -> Iterator[Record]:
    if fmt is not None and fmt not in READERS:
        raise UsageError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    if not path.exists():
        raise MissingInputError(f"{path}: no such file")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        for file in files:
            yield from read_path(file, fmt)
        return
    fmt = fmt or detect_format(path)
    try:
        yield from READERS[fmt](path)
    except UnicodeDecodeError:
        raise InputFileError(path, "not UTF-8 text") from None
    except csv.Error as exc:
        raise InputFileError(path, f"bad CSV ({exc})") from None
