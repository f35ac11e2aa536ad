"""Corpus: readers turn files into `Paper` records, merged one per paper."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from assistant.corpus.merge import merge_duplicates
from assistant.corpus.paper import Paper, normalise_text, normalise_title
from assistant.corpus.readers import FORMATS, MAX_RECORD_BYTES, Rejection, detect_format, read_path
from assistant.corpus.source import Corpus, Skipped

__all__ = [
    "FORMATS", "MAX_RECORD_BYTES", "Corpus", "CorpusLoad", "Paper", "Rejection", "Skipped", "bundled_corpus_dir",
    "detect_format", "load_corpus", "normalise_text", "normalise_title", "read_path",
]


@dataclass
class CorpusLoad:
    papers: list[Paper]
    records: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    # Read like a streamed `Corpus`, so papers already in memory can be ingested the same way.
    bytes_read = total_bytes = 0

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers)

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)

    @property
    def rejected_kinds(self) -> Counter[str]:
        return Counter(r.kind for r in self.rejected)


def bundled_corpus_dir() -> Path:
    return Path(str(resources.files("assistant") / "data" / "seeds"))


def load_corpus(paths: Iterable[Path], fmt: str | None = None) -> CorpusLoad:
    """Every paper in memory, duplicates merged: for small inputs and tests (`ingest` streams
    a `Corpus` instead)."""
    corpus = Corpus(paths, fmt)
    rejected: list[Rejection] = []
    corpus.on_rejection = rejected.append
    records = list(corpus)
    papers, duplicates = merge_duplicates(records)
    return CorpusLoad(papers, len(records), duplicates, rejected, corpus.skipped)
