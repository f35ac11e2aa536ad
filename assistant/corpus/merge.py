"""Duplicate merging: one record per paper, by arXiv id, else by normalised title."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from assistant.corpus.paper import Paper, normalise_title


def better(a: Paper, b: Paper) -> Paper:
    """The newest version, else the longest abstract; the loser fills missing metadata."""
    if a.version_number != b.version_number:
        winner, loser = (a, b) if a.version_number > b.version_number else (b, a)
    else:
        winner, loser = (a, b) if len(a.abstract) >= len(b.abstract) else (b, a)
    fills = {
        f.name: getattr(loser, f.name)
        for f in dataclasses.fields(Paper)
        if not getattr(winner, f.name) and getattr(loser, f.name) and f.name not in {"id"}
    }
    if loser.arxiv_id and not winner.arxiv_id:
        fills["id"] = loser.arxiv_id
    return dataclasses.replace(winner, **fills) if fills else winner


def merge_duplicates(papers: Iterable[Paper]) -> tuple[list[Paper], int]:
    """Merged papers in first-seen order, and how many duplicate records were folded in."""
    by_key: dict[str, Paper] = {}
    title_to_key: dict[str, str] = {}
    merged = 0
    for paper in papers:
        title_key = normalise_title(paper.title)
        key = paper.arxiv_id or title_to_key.get(title_key) or title_key
        if key not in by_key and title_key in title_to_key:
            key = title_to_key[title_key]
        if key in by_key:
            by_key[key] = better(by_key[key], paper)
            merged += 1
        else:
            by_key[key] = paper
        title_to_key.setdefault(title_key, key)
    return list(by_key.values()), merged
