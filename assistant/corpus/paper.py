"""The `Paper` record and the text normalisation every reader shares."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from dataclasses import dataclass, field, fields

_WS = re.compile(r"\s+")
# Terminal escape sequences (CSI, OSC, two-character ESC forms) go whole; then every other
# control character. Tabs and newlines are whitespace and collapse to a space anyway.
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]?")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NON_WORD = re.compile(r"[^\w]+")
_ARXIV_ID = re.compile(r"^(?:arxiv:)?((?:\d{4}\.\d{4,5})|(?:[a-z\-]+(?:\.[A-Z]{2})?/\d{7}))(v\d+)?$", re.I)


def normalise_text(text: str) -> str:
    """NFC, one space between words (line-wrapped titles and abstracts become one line), no
    control characters: a NUL, a bell or an escape sequence in a corpus is never stored."""
    if _CONTROLS.search(text):  # rare: most text has none, and the search costs no copy
        text = _CONTROLS.sub("", _ESCAPES.sub("", text))
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return _WS.sub(" ", text).strip()


@lru_cache(maxsize=8192)  # an ingest asks for each title's key several times
def normalise_title(title: str) -> str:
    """The key titles are matched on: case, accents, punctuation and spacing ignored."""
    folded = title.casefold()
    if not folded.isascii():
        folded = "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))
    return _WS.sub(" ", _NON_WORD.sub(" ", folded)).strip()


def split_arxiv_id(raw: str) -> tuple[str, str | None] | None:
    """'2401.01234v2' -> ('2401.01234', 'v2'); None when it is not an arXiv id."""
    match = _ARXIV_ID.match(raw.strip())
    if not match:
        return None
    return match.group(1), match.group(2)


def title_id(title: str) -> str:
    return "t-" + hashlib.sha1(normalise_title(title).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Paper:
    id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    date: str | None = None
    arxiv_id: str | None = None
    version: str | None = None
    categories: tuple[str, ...] = ()
    url: str | None = None
    source: str | None = field(default=None, compare=False)

    @classmethod
    def create(cls, title: str, abstract: str, **meta) -> "Paper":
        """Normalise text and derive the stable id: the arXiv id when known, else a title hash."""
        title, abstract = normalise_text(title), normalise_text(abstract)
        arxiv_id = meta.pop("arxiv_id", None)
        version = meta.pop("version", None)
        if arxiv_id:
            parsed = split_arxiv_id(arxiv_id)
            if parsed:
                arxiv_id, version = parsed[0], version or parsed[1]
        if arxiv_id and not meta.get("url"):
            meta["url"] = f"https://arxiv.org/abs/{arxiv_id}"
        pid = arxiv_id or title_id(title)
        return cls(id=pid, title=title, abstract=abstract, arxiv_id=arxiv_id, version=version, **meta)

    @property
    def content_hash(self) -> str:
        """Changes whenever anything stored with the vector changes (not the source file)."""
        # The fields as `asdict` gives them (without its deep copies: 20% of re-reading an
        # unchanged file); tuples serialise as lists either way.
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "source"}
        return hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]

    @property
    def embedding_text(self) -> str:
        # MiniLM reads only the first 256 word pieces: the title goes first so it always counts.
        return f"{self.title}. {self.abstract}"

    @property
    def version_number(self) -> int:
        return int(self.version[1:]) if self.version and self.version[1:].isdigit() else 0

    def to_metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store (it accepts scalars only)."""
        meta: dict[str, str | int] = {"title": self.title, "content_hash": self.content_hash}
        for key in ("date", "arxiv_id", "version", "url", "source"):
            value = getattr(self, key)
            if value:
                meta[key] = value
        if self.authors:
            meta["authors"] = "; ".join(self.authors)
        if self.categories:
            meta["categories"] = " ".join(self.categories)
        if self.date and len(self.date) >= 4 and self.date[:4].isdigit():
            meta["year"] = int(self.date[:4])
        return meta

    @classmethod
    def from_stored(cls, pid: str, abstract: str, meta: dict) -> "Paper":
        return cls(
            id=pid,
            title=str(meta.get("title", "")),
            abstract=abstract,
            authors=tuple(a for a in str(meta.get("authors", "")).split("; ") if a),
            date=meta.get("date"),
            arxiv_id=meta.get("arxiv_id"),
            version=meta.get("version"),
            categories=tuple(str(meta.get("categories", "")).split()),
            url=meta.get("url"),
            source=meta.get("source"),
        )
