"""Corpus: readers turn files into `Paper` records, merged one per paper."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from assistant.corpus.merge import merge_duplicates
from assistant.corpus.paper import Paper, normalise_text, normalise_title
from assistant.corpus.readers import FORMATS, Rejection, detect_format, read_path

__all__ = [
    "FORMATS", "Paper", "Rejection", "CorpusLoad", "bundled_corpus_dir", "detect_format",
    "load_corpus", "normalise_text", "normalise_title",
]


@dataclass
class CorpusLoad:
    papers: list[Paper]
    records: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def bundled_corpus_dir() -> Path:
    return Path(str(resources.files("assistant") / "data" / "seeds"))


def load_corpus(paths: Iterable[Path], fmt: str | None = None) -> CorpusLoad:
    """Read every path fully before anything is indexed, so bad input never half-writes."""
    records: list[Paper] = []
    rejected: list[Rejection] = []
    for path in paths:
        for record in read_path(Path(path), fmt):
            (rejected if isinstance(record, Rejection) else records).append(record)
    papers, duplicates = merge_duplicates(records)
    return CorpusLoad(papers, len(records), duplicates, rejected)
