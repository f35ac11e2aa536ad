"""Dense search over the read side's segments.

A segment of up to EXACT_ROWS rows is scanned exactly (float32 dot products: 5 ms at 100k
abstracts on 2 cores). A larger one is searched in two passes: the Hamming distance between
the query's sign bits and every row's (48 bytes a row; XOR and popcount), then the exact
cosine of the SHORTLIST rows nearest by that measure, read from the memory-mapped floats. The
shortlist is wide enough that the top 10 equal the exact scan's top 10 in at least 99% of cases
on clustered abstract embeddings (benchmarks/scale.py measures it at 1M)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.index.segment import sign_codes

EXACT_ROWS = 131_072
SHORTLIST = 2_000
BLOCK = 1 << 15  # rows per Hamming block: the temporaries stay in cache


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


_pool = None


def _workers():
    """numpy releases the GIL in these loops: two threads halve a large segment's first pass."""
    global _pool
    if _pool is None:
        from concurrent.futures import ThreadPoolExecutor

        _pool = ThreadPoolExecutor(max(1, min(2, os.cpu_count() or 1)), thread_name_prefix="hamming")
    return _pool


def _hamming(codes: np.ndarray, query: np.ndarray) -> np.ndarray:
    out = np.empty(len(codes), dtype=np.uint16)
    words = codes.shape[1]

    def block(start: int) -> None:
        counts = np.bitwise_count(np.bitwise_xor(codes[start : start + BLOCK], query))  # uint8, <= 64 each
        # Summing columns in groups of three stays within uint8 (<= 192): no slow wide reduction.
        total = np.zeros(len(counts), dtype=np.uint16)
        for group in range(0, words, 3):
            partial = counts[:, group].copy()
            for column in range(group + 1, min(group + 3, words)):
                partial += counts[:, column]
            total += partial
        out[start : start + BLOCK] = total

    list(_workers().map(block, range(0, len(codes), BLOCK)))
    return out


def _nearest(distance: np.ndarray, m: int) -> np.ndarray:
    """The rows of the m smallest distances (ties at the boundary included): a histogram of the
    few possible distances finds the cut in one pass, faster than a partial sort."""
    counts = np.cumsum(np.bincount(distance))
    cut = int(np.searchsorted(counts, m))
    rows = np.nonzero(distance <= cut)[0]
    if len(rows) > 2 * m:  # many ties at the cut: keep m of them
        rows = rows[np.argpartition(distance[rows], m - 1)[:m]]
    return rows


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
    rows = _nearest(distance, min(max(shortlist, k), n))
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
