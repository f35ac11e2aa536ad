"""Dense search over the read side's segments.

A segment of up to EXACT_ROWS rows is scanned exactly (float32 dot products). A larger one is
searched in two passes: first a cheap distance between the query's sign bits and every row's
(48 bytes a row: XOR and popcount, disagreements weighted by the query's magnitude), then the
exact cosine of the nearest SHORTLIST share of rows, read from the memory-mapped floats. The
shortlist is wide enough that the top 10 equal the exact scan's top 10 in at least 99% of cases
on clustered abstract embeddings (benchmarks/scale.py measures it at 1M)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.index.segment import sign_codes

EXACT_ROWS = 32_768
SHORTLIST = 0.008  # of a large segment's rows, rescored exactly
MIN_SHORTLIST = 1000
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


def _distance(codes: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Sign disagreements between each row and the query, those in the query's larger half of
    dimensions (by magnitude) weighted by how much larger they are: a disagreement where the
    query is near zero costs the cosine little. Twice the work of plain Hamming distance, and
    the exact top 10 falls within the nearest 0.8% for 99.5% of queries instead of 97%."""
    query = sign_codes(vector[None, :])[0]
    magnitude = np.abs(vector)
    high = np.zeros(len(vector), dtype=bool)
    high[np.argsort(-magnitude)[: len(vector) // 2]] = True
    mask = sign_codes(np.where(high, 1.0, -1.0)[None, :])[0]
    low_mean = float(magnitude[~high].mean()) or 1.0
    weight = np.uint16(min(15, max(1, round(float(magnitude[high].mean()) / low_mean))))
    out = np.empty(len(codes), dtype=np.uint16)

    def block(start: int) -> None:
        # One 64-bit word (column) at a time: 1-D ufuncs on a strided column run twice as fast
        # as the same work on the rows x words block (measured at 1M rows: 31 against 60 ms).
        # weight * disagreements(high) + disagreements(rest) = all + (weight - 1) * high.
        rows = codes[start : start + BLOCK]
        high = np.zeros(len(rows), dtype=np.uint16)
        every = np.zeros(len(rows), dtype=np.uint16)
        for word in range(codes.shape[1]):
            x = np.bitwise_xor(rows[:, word], query[word])
            every += np.bitwise_count(x)
            high += np.bitwise_count(x & mask[word])
        high *= weight - np.uint16(1)  # <= 192 * 14 + 384: within uint16
        out[start : start + BLOCK] = high + every

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
                shortlist: float = SHORTLIST) -> tuple[np.ndarray, np.ndarray]:
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
    distance = _distance(part.codes, vector)
    if keep is not None:
        distance[~keep] = np.iinfo(np.uint16).max
    rows = _nearest(distance, min(max(int(n * shortlist), k, MIN_SHORTLIST), n))
    if keep is not None:
        rows = rows[keep[rows]]
    rows.sort()  # in file order: the page cache reads ahead
    scores = np.asarray(part.vectors[rows]) @ vector
    top = _top(scores, k)
    return rows[top], scores[top]


def search(parts: Sequence[DensePart], vector: np.ndarray, k: int, years=None,
           shortlist: float = SHORTLIST) -> list[tuple[int, int, float]]:
    """(part, row, cosine) of the k best rows over all parts, best first."""
    vector = np.asarray(vector, dtype=np.float32)
    found: list[tuple[int, int, float]] = []
    for p, part in enumerate(parts):
        rows, scores = search_part(part, vector, k, years, shortlist)
        found.extend((p, int(r), float(s)) for r, s in zip(rows, scores))
    found.sort(key=lambda t: (-t[2], t[0], t[1]))
    return found[:k]
