"""BibTeX (`.bib`, as Zotero, JabRef and Google Scholar export it), read with bibtexparser:
LaTeX accents and protective braces decoded by pylatexenc, `@string` macros resolved.

The file is cut into entries at lines that open one (`@article{`, `@misc(`), and each entry is
parsed alone: memory stays bounded, and a broken entry costs only itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from assistant.corpus.jsonrecords import iso_date
from assistant.corpus.paper import Paper
from assistant.corpus.records import MAX_RECORD_BYTES, MISSING, Record, Rejection, decoded_lines, too_long

ENTRY_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*[{(]")
_ARXIV = re.compile(r"(?:arxiv[:.\s/]*|arxiv\.org/(?:abs|pdf)/)(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
                    re.I)
_PLAIN_ARXIV = re.compile(r"^\s*(\d{4}\.\d{4,5}(?:v\d+)?)\s*$")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


class _Parser:
    """bibtexparser with the middleware this reader needs; `@string` macros carried across
    entries."""

    def __init__(self):
        import logging

        import bibtexparser  # 0.1 s: only for .bib input

        # It logs every broken block as a warning: those become our rejections instead.
        logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
        from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors

        self.bibtexparser = bibtexparser
        self.latex = LatexDecodingMiddleware()
        # Authors are split first (brace-aware), then each name is decoded: decoding first
        # would drop the braces that keep "{Barnes and Noble}" one name.
        self.middleware = [SeparateCoAuthors(), self.latex]
        self.strings: list = []

    def parse(self, text: str):
        from bibtexparser import Library

        library = Library(blocks=list(self.strings))
        library = self.bibtexparser.parse_string(text, append_middleware=self.middleware, library=library)
        self.strings = [s for s in library.strings if isinstance(s.value, str)]
        return library.entries, library.failed_blocks

    def decode(self, text: str) -> str:
        value, _ = self.latex._transform_python_value_string(text)
        return value

    def person(self, name: str) -> str:
        """"Müller, J{\\"o}rg" -> "Jörg Müller"."""
        from bibtexparser.middlewares.names import parse_single_name_into_parts

        try:
            parts = parse_single_name_into_parts(name, strict=False)
            name = " ".join(parts.first + parts.von + parts.last + parts.jr)
        except Exception:  # an odd name is kept as written, never a lost entry
            pass
        return self.decode(name).strip()


def _chunks(path: Path, handle: BinaryIO) -> Iterator[tuple[int, str, str | Rejection]]:
    """(first line, entry type, the entry's text) for each `@...` block."""
    start, kind, lines, size = 0, "", [], 0
    for number, line in decoded_lines(path, handle):
        if isinstance(line, Rejection):
            yield number, "", line
            if kind:
                size = MAX_RECORD_BYTES + 1  # the entry lost a line: reject it, do not guess
            continue
        match = ENTRY_START.match(line)
        if match:
            if kind:
                yield start, kind, too_long(path, start, size, "entry") if size > MAX_RECORD_BYTES else "".join(lines)
            start, kind, lines, size = number, match.group(1).casefold(), [], 0
        if kind:
            size += len(line)
            if size <= MAX_RECORD_BYTES:
                lines.append(line)
            else:
                lines = []
    if kind:
        yield start, kind, too_long(path, start, size, "entry") if size > MAX_RECORD_BYTES else "".join(lines)


def _field(fields: dict, *names: str) -> str:
    for name in names:
        value = fields.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _arxiv_id(fields: dict) -> str | None:
    eprint = _field(fields, "eprint", "arxivid", "arxiv")
    if eprint:
        match = _PLAIN_ARXIV.match(eprint) or _ARXIV.search(eprint)
        if match:
            return match.group(1)
    for name in ("journal", "note", "url", "doi", "howpublished", "eprint"):
        match = _ARXIV.search(_field(fields, name))
        if match:
            return match.group(1)
    return None


def _date(fields: dict) -> str | None:
    date = iso_date(_field(fields, "date"))
    if date:
        return date
    year = _field(fields, "year")
    if not re.fullmatch(r"\d{4}", year):
        return None
    month = _field(fields, "month").casefold()[:3]
    number = _MONTHS.get(month) or (int(month) if month.isdigit() and 1 <= int(month) <= 12 else None)
    return f"{year}-{number:02d}" if number else year


def _paper(entry, parser: _Parser, path: Path, line: int) -> Record:
    fields = {f.key.casefold(): f.value for f in entry.fields}
    title, abstract = _field(fields, "title"), _field(fields, "abstract")
    where = f"entry '{entry.key}'"
    if not title:
        return Rejection(str(path), line, f"{where} has no title", MISSING)
    if not abstract:
        return Rejection(str(path), line, f"{where} has no abstract", MISSING)
    authors = fields.get("author") or []
    if isinstance(authors, str):
        authors = [authors]
    doi = _field(fields, "doi")
    url = _field(fields, "url") or (f"https://doi.org/{doi}" if doi else None)
    category = _field(fields, "primaryclass")
    paper = Paper.create(
        title, abstract,
        arxiv_id=_arxiv_id(fields),
        authors=tuple(a for a in (parser.person(str(name)) for name in authors) if a),
        date=_date(fields),
        categories=(category,) if category else (),
        url=url,
        source=path.name,
    )
    if not paper.title or not paper.abstract:
        return Rejection(str(path), line, f"{where}: title or abstract empty once decoded", MISSING)
    return paper


def read_bibtex(path: Path, handle: BinaryIO | None = None) -> Iterator[Record]:
    if handle is None:
        with path.open("rb") as handle:
            yield from read_bibtex(path, handle)
        return
    parser = _Parser()
    for line, kind, chunk in _chunks(path, handle):
        if isinstance(chunk, Rejection):
            yield chunk
            continue
        if kind in ("comment", "preamble"):
            continue
        try:
            entries, failed = parser.parse(chunk)
        except Exception as exc:  # the parser's own errors, whatever their type
            yield Rejection(str(path), line, f"not a valid BibTeX entry ({type(exc).__name__})")
            continue
        if kind == "string":
            continue
        from bibtexparser.model import Entry, MiddlewareErrorBlock

        for block in failed:
            if isinstance(block, MiddlewareErrorBlock) and isinstance(block.ignore_error_block, Entry):
                entries.append(block.ignore_error_block)  # a field LaTeX could not decode: kept as written
                continue
            error = block.error
            reason = getattr(error, "abort_reason", None) or str(error).strip() or type(error).__name__
            yield Rejection(str(path), line, f"not a valid BibTeX entry ({reason.strip().splitlines()[-1][:200]})")
        for entry in entries:
            yield _paper(entry, parser, path, line)
