"""BM25 over titles and abstracts, kept per segment of the read side as raw term counts.

Each segment stores, for every term (by a 64-bit hash of the token), the rows that use it and
how often (title words count three times). BM25 needs corpus-wide statistics (the number of
papers, each term's document frequency, the mean length), so the weights are computed at query
time, for the query's few terms only, over every live segment: adding a segment never rewrites
another, and the scores are exactly those of one index over all papers. Queries read the
memory-mapped arrays with numpy alone (no scipy: 0.15 s of a cold start).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.corpus import Paper
from assistant.text import tokenize

TITLE_WEIGHT = 3  # a title term counts as much as three mentions in the abstract
K1, B = 1.2, 0.75
TF_MAX = np.iinfo(np.uint16).max


@lru_cache(maxsize=1 << 18)
def term_hash(token: str) -> int:
    """A token's column key, the same in every process and segment."""
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(), "little")


@dataclass
class TermCounts:
    """(row, term hash, weighted count) triples of a batch of papers, and each row's length."""

    rows: np.ndarray  # int32
    terms: np.ndarray  # uint64
    tf: np.ndarray  # uint16
    lengths: np.ndarray  # float32, one per row

    @classmethod
    def of(cls, papers: Sequence[Paper]) -> "TermCounts":
        rows: list[int] = []
        terms: list[int] = []
        tfs: list[int] = []
        lengths = np.zeros(len(papers), dtype=np.float32)
        for row, paper in enumerate(papers):
            counts: dict[int, int] = {}
            for weight, text in ((TITLE_WEIGHT, paper.title), (1, paper.abstract)):
                for token in tokenize(text):
                    key = term_hash(token)
                    counts[key] = counts.get(key, 0) + weight
            rows.extend([row] * len(counts))
            terms.extend(counts)
            tfs.extend(counts.values())
            lengths[row] = sum(counts.values())
        return cls(np.array(rows, dtype=np.int32), np.array(terms, dtype=np.uint64),
                   np.minimum(np.array(tfs, dtype=np.int64), TF_MAX).astype(np.uint16), lengths)


@dataclass
class Postings:
    """One segment's term columns: `terms` sorted; column i is postings[indptr[i]:indptr[i+1]]
    (rows, ascending) with counts in `tf`."""

    terms: np.ndarray
    indptr: np.ndarray
    postings: np.ndarray
    tf: np.ndarray
    lengths: np.ndarray

    @classmethod
    def from_counts(cls, counts: TermCounts) -> "Postings":
        order = np.lexsort((counts.rows, counts.terms))
        terms = counts.terms[order]
        unique, starts = np.unique(terms, return_index=True) if len(terms) else (terms, np.zeros(0, np.int64))
        indptr = np.append(starts, len(terms)).astype(np.int64)
        return cls(unique.astype(np.uint64), indptr, counts.rows[order].astype(np.int32),
                   counts.tf[order].astype(np.uint16), counts.lengths.astype(np.float32))

    def columns(self, keys: np.ndarray) -> list[tuple[int, int] | None]:
        """(start, end) in `postings` of each key's column, None where the segment lacks it."""
        at = np.searchsorted(self.terms, keys)
        out: list[tuple[int, int] | None] = []
        for key, i in zip(keys, at):
            if i < len(self.terms) and self.terms[i] == key:
                out.append((int(self.indptr[i]), int(self.indptr[i + 1])))
            else:
                out.append(None)
        return out


@dataclass
class LexicalPart:
    """A segment as BM25 sees it: its postings, which rows are live, and its ids."""

    postings: Postings
    alive: np.ndarray | None  # bool per row; None: every row is live
    ids_of: Callable[[Sequence[int]], list[str]]
    row_of: Callable[[str], int | None]

    @property
    def rows(self) -> int:
        return len(self.postings.lengths)


class LexicalIndex:
    """BM25 over live rows of several segments; also the `TermStats` answering asks."""

    def __init__(self, parts: Sequence[LexicalPart]):
        self.parts = list(parts)
        live = [p.alive.sum() if p.alive is not None else p.rows for p in self.parts]
        self.count = int(sum(live))
        total = sum(float(p.postings.lengths[p.alive].sum() if p.alive is not None else p.postings.lengths.sum())
                    for p in self.parts)
        self.avgdl = total / self.count if self.count else 1.0
        self._df: dict[int, int] = {}
        self._cache_lock = threading.Lock()
        self._norms: dict[int, np.ndarray] = {}

    @classmethod
    def build(cls, papers: Iterable[Paper]) -> "LexicalIndex":
        """An index in memory (tests, and answering over a handful of papers)."""
        papers = list(papers)
        ids = [p.id for p in papers]
        rows = {pid: i for i, pid in enumerate(ids)}
        postings = Postings.from_counts(TermCounts.of(papers))
        return cls([LexicalPart(postings, None, lambda r: [ids[i] for i in r], rows.get)])

    # ------------------------------------------------------------------ statistics
    def _columns(self, key: int) -> list[tuple[LexicalPart, int, int]]:
        out = []
        for part in self.parts:
            [span] = part.postings.columns(np.array([key], dtype=np.uint64))
            if span is not None:
                out.append((part, *span))
        return out

    def df(self, key: int) -> int:
        with self._cache_lock:
            if key in self._df:
                return self._df[key]
        n = 0
        for part, start, end in self._columns(key):
            n += end - start if part.alive is None else int(part.alive[part.postings.postings[start:end]].sum())
        with self._cache_lock:
            if len(self._df) > 100_000:
                self._df.clear()
            self._df[key] = n
        return n

    def _idf(self, df: int) -> float:
        return float(np.log1p((self.count - df + 0.5) / (df + 0.5)))

    def term_idf(self, token: str) -> float:
        """Inverse document frequency; a term no live paper uses counts as the rarest."""
        df = self.df(term_hash(token))
        return self._idf(df) if df else float(np.log1p(self.count + 0.5))

    def known(self, token: str) -> bool:
        return self.df(term_hash(token)) > 0

    # ------------------------------------------------------------------ search
    def _norm(self, p: int) -> np.ndarray:
        """BM25's length normalisation of every row of part p (fixed for this index's mean
        length), computed once instead of for every posting of every query."""
        with self._cache_lock:
            norm = self._norms.get(p)
        if norm is None:
            lengths = self.parts[p].postings.lengths.astype(np.float64)
            norm = K1 * (1 - B + B * lengths / (self.avgdl or 1.0))
            with self._cache_lock:
                self._norms[p] = norm
        return norm

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        keys = sorted({term_hash(t) for t in tokenize(query)})
        if not keys or not self.count:
            return []
        key_array = np.array(keys, dtype=np.uint64)
        idf = {key: self._idf(self.df(key)) for key in keys}
        found: list[tuple[float, int, int]] = []  # (score, part, row)
        for p, part in enumerate(self.parts):
            spans = [(key, span) for key, span in zip(keys, part.postings.columns(key_array)) if span]
            if not spans:
                continue
            post, norm = part.postings, self._norm(p)
            rows = np.concatenate([post.postings[s:e] for _, (s, e) in spans])
            impacts = []
            for key, (s, e) in spans:  # idf * (k1 + 1) * tf / (tf + norm), a column at a time
                tf = post.tf[s:e].astype(np.float64)
                impact = tf / (tf + norm[post.postings[s:e]])
                impacts.append(np.multiply(impact, idf[key] * (K1 + 1), out=impact))
            scores = np.bincount(rows, weights=np.concatenate(impacts), minlength=part.rows)
            if part.alive is not None:
                scores[~part.alive] = 0.0
            candidates = np.flatnonzero(scores)
            n = min(k, len(candidates))
            if n <= 0:
                continue
            cut = scores[candidates[np.argpartition(-scores[candidates], n - 1)[n - 1]]]
            tied = candidates[scores[candidates] >= cut]  # every row tied at the cut: the lowest rows win
            top = tied[np.lexsort((tied, -scores[tied]))[:n]]
            found.extend((float(scores[r]), p, int(r)) for r in top)
        found.sort(key=lambda t: (-t[0], t[1], t[2]))
        found = found[:k]
        out: list[tuple[str, float]] = []
        for p, part in enumerate(self.parts):
            mine = [(score, row) for score, q, row in found if q == p]
            if mine:
                ids = part.ids_of([row for _, row in mine])
                out.extend((pid, score) for (score, _), pid in zip(mine, ids))
        out.sort(key=lambda t: -t[1])
        return out

    def matched_share(self, query: str, pid: str) -> float:
        """The share of the query's information (IDF mass; unseen words count as the rarest)
        that paper `pid` contains."""
        terms = set(tokenize(query))
        if not terms:
            return 0.0
        for part in self.parts:
            row = part.row_of(pid)
            if row is None or (part.alive is not None and not part.alive[row]):
                continue
            found = 0.0
            keys = np.array([term_hash(t) for t in terms], dtype=np.uint64)
            for term, span in zip(terms, part.postings.columns(keys)):
                if span is not None:
                    column = part.postings.postings[span[0]:span[1]]  # sorted rows
                    at = int(np.searchsorted(column, row))
                    if at < len(column) and column[at] == row:
                        found += self.term_idf(term)
            return found / sum(self.term_idf(t) for t in terms)
        return 0.0
