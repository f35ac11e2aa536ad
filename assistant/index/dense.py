"""Dense search over the read side's segments.

A segment of up to EXACT_ROWS rows is scanned exactly (float32 dot products: 5 ms at 100k
abstracts on 2 cores). A larger one is searched in two passes: the Hamming distance between
the query's sign bits and every row's (48 bytes a row; XOR and popcount), then the exact
cosine of the SHORTLIST rows nearest by that measure, read from the memory-mapped floats. The
shortlist is wide enough that the top 10 equal the exact scan's top 10 in at least 99% of cases
on clustered abstract embeddings (benchmarks/scale.py measures it at 1M)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.index.segment import sign_codes

EXACT_ROWS = 131_072
SHORTLIST = 2_000
BLOCK = 1 << 16  # rows per Hamming block: the temporaries stay in cache


@dataclass
class DensePart:
    vectors: np.ndarray
    codes: np.ndarray
    years: np.ndarray
    alive: np.ndarray | None


def _mask(part: DensePart, years: tuple[int | None, int | None] | None) -> np.ndarray | None:
    keep = part.alive
    if years and (years[0] is not None or years[1] is not None):
        by_year = part.years > 0  # an undated paper never passes a year limit
        if years[0] is not None:
            by_year &= part.years >= years[0]
        if years[1] is not None:
            by_year &= part.years <= years[1]
        keep = by_year if keep is None else keep & by_year
    return keep


def _hamming(codes: np.ndarray, query: np.ndarray) -> np.ndarray:
    out = np.empty(len(codes), dtype=np.uint16)
    for start in range(0, len(codes), BLOCK):
        block = np.bitwise_count(np.bitwise_xor(codes[start : start + BLOCK], query))
        out[start : start + BLOCK] = block.sum(axis=1, dtype=np.uint16)
    return out


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top], kind="stable")]


def search_part(part: DensePart, vector: np.ndarray, k: int, years=None,
                shortlist: int = SHORTLIST) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cosines) of the part's k best live rows, best first."""
    keep = _mask(part, years)
    n = len(part.vectors)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    if n <= EXACT_ROWS:
        scores = part.vectors @ vector
        if keep is not None:
            scores = np.where(keep, scores, -np.inf)
        top = _top(scores, k)
        return top, scores[top]
    distance = _hamming(part.codes, sign_codes(vector[None, :])[0])
    if keep is not None:
        distance[~keep] = np.iinfo(np.uint16).max
    m = min(max(shortlist, k), n)
    rows = np.argpartition(distance, m - 1)[:m]
    if keep is not None:
        rows = rows[keep[rows]]
    rows.sort()  # in file order: the page cache reads ahead
    scores = np.asarray(part.vectors[rows]) @ vector
    top = _top(scores, k)
    return rows[top], scores[top]


def search(parts: Sequence[DensePart], vector: np.ndarray, k: int, years=None,
           shortlist: int = SHORTLIST) -> list[tuple[int, int, float]]:
    """(part, row, cosine) of the k best rows over all parts, best first."""
    vector = np.asarray(vector, dtype=np.float32)
    found: list[tuple[int, int, float]] = []
    for p, part in enumerate(parts):
        rows, scores = search_part(part, vector, k, years, shortlist)
        found.extend((p, int(r), float(s)) for r, s in zip(rows, scores))
    found.sort(key=lambda t: (-t[2], t[0], t[1]))
    return found[:k]
