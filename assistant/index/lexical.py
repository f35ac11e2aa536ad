"""BM25 over titles and abstracts, built at ingest and persisted with the index's read side.

The BM25 weight of every (paper, term) pair is precomputed into a column-compressed matrix, so a
query is a sum of a few columns: no per-query rebuild, milliseconds at 100k abstracts. Queries
read the matrix's three arrays with numpy alone: importing scipy costs 0.15 s of a cold start.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.text import tokenize

TITLE_WEIGHT = 3.0  # a title term counts as much as three mentions in the abstract
K1, B = 1.2, 0.75


@dataclass
class TermCounts:
    """Weighted term frequencies as (paper row, term column, count) triples."""

    rows: np.ndarray
    cols: np.ndarray
    tf: np.ndarray


def _term_counts(papers: Sequence[Paper], vocab: dict[str, int], terms: list[str]):
    """Triples for `papers` (rows from 0); new terms are added to `vocab` and `terms`."""
    rows: list[int] = []
    cols: list[int] = []
    tfs: list[float] = []
    for row, paper in enumerate(papers):
        counts: dict[int, float] = {}
        for weight, text in ((TITLE_WEIGHT, paper.title), (1.0, paper.abstract)):
            for token in tokenize(text):
                col = vocab.get(token)
                if col is None:
                    col = vocab[token] = len(terms)
                    terms.append(token)
                counts[col] = counts.get(col, 0.0) + weight
        rows.extend([row] * len(counts))
        cols.extend(counts)
        tfs.extend(counts.values())
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(tfs, dtype=np.float32)


class LexicalIndex:
    FILE = "lexical.npz"
    COUNTS_FILE = "term-counts.npz"

    def __init__(self, ids: list[str], vocab: dict[str, int], data: np.ndarray, indices: np.ndarray,
                 indptr: np.ndarray, idf: np.ndarray):
        self.ids = ids
        self.vocab = vocab
        # Papers x terms in CSC form: column t's weights are data[indptr[t]:indptr[t+1]], for
        # the papers (rows) in the same slice of indices.
        self.data, self.indices, self.indptr = data, indices, indptr
        self.idf = idf
        self.counts: TermCounts | None = None  # what a merge needs; not loaded for questions
        self._rows: dict[str, int] | None = None

    @classmethod
    def build(cls, papers: Iterable[Paper]) -> "LexicalIndex":
        papers = list(papers)
        terms: list[str] = []
        rows, cols, tf = _term_counts(papers, {}, terms)
        return cls.from_counts([p.id for p in papers], terms, TermCounts(rows, cols, tf))

    def merged(self, keep: np.ndarray, papers: Sequence[Paper]) -> "LexicalIndex":
        """This index's rows `keep` (in that order), then `papers`: only the new papers are
        tokenized, which is most of a rebuild's cost (33 s of 44 at 100k abstracts)."""
        if self.counts is None:
            raise ValueError("this index was loaded without its term counts")
        old = self.counts
        position = np.full(len(self.ids), -1, dtype=np.int64)
        position[keep] = np.arange(len(keep))
        moved = position[old.rows] if len(old.rows) else old.rows
        kept = moved >= 0
        terms = list(self.terms)
        rows, cols, tf = _term_counts(papers, {t: i for i, t in enumerate(terms)}, terms)
        counts = TermCounts(np.concatenate([moved[kept], rows + len(keep)]),
                            np.concatenate([old.cols[kept], cols]), np.concatenate([old.tf[kept], tf]))
        return self.from_counts([self.ids[i] for i in keep] + [p.id for p in papers], terms, counts)

    @classmethod
    def from_counts(cls, ids: list[str], terms: list[str], counts: "TermCounts") -> "LexicalIndex":
        """BM25 weights from (paper, term, frequency) triples; terms no paper uses are dropped."""
        from scipy import sparse

        n_docs = len(ids)
        used = np.unique(counts.cols)
        remap = np.full(len(terms), -1, dtype=np.int64)
        remap[used] = np.arange(len(used))
        cols = remap[counts.cols] if len(used) else counts.cols
        terms = [terms[i] for i in used]
        rows, tf = counts.rows, counts.tf.astype(np.float64)
        lengths = np.bincount(rows, weights=tf, minlength=n_docs)
        df = np.bincount(cols, minlength=len(terms))
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        avgdl = float(np.mean(lengths)) if n_docs else 1.0
        dl = lengths[rows]
        w = idf[cols] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / (avgdl or 1.0)))
        matrix = sparse.csc_matrix((w.astype(np.float32), (rows, cols)), shape=(n_docs, len(terms)))
        matrix.sort_indices()
        index = cls(ids, {t: i for i, t in enumerate(terms)}, matrix.data, matrix.indices.astype(np.int32),
                    matrix.indptr.astype(np.int64), idf.astype(np.float32))
        index.counts = TermCounts(rows.astype(np.int32), cols.astype(np.int32), counts.tf.astype(np.float32))
        return index

    @property
    def terms(self) -> list[str]:
        return sorted(self.vocab, key=self.vocab.get)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        cols = sorted({self.vocab[t] for t in tokenize(query) if t in self.vocab})
        if not cols or not self.ids:
            return []
        spans = [slice(self.indptr[c], self.indptr[c + 1]) for c in cols]
        rows = np.concatenate([self.indices[s] for s in spans])
        weights = np.concatenate([self.data[s] for s in spans]).astype(np.float64)
        scores = np.bincount(rows, weights=weights, minlength=len(self.ids))
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def matched_share(self, query: str, pid: str) -> float:
        """The share of the query's information (IDF mass; unseen words count as the rarest)
        that paper `pid` contains."""
        terms = set(tokenize(query))
        if self._rows is None:
            self._rows = {p: i for i, p in enumerate(self.ids)}
        row = self._rows.get(pid)
        if not terms or row is None:
            return 0.0
        found = 0.0
        for term in terms:
            col = self.vocab.get(term)
            if col is not None:
                papers = self.indices[self.indptr[col] : self.indptr[col + 1]]  # sorted rows
                at = int(np.searchsorted(papers, row))
                if at < len(papers) and papers[at] == row:
                    found += self.term_idf(term)
        return found / sum(self.term_idf(t) for t in terms)

    def known(self, token: str) -> bool:
        return token in self.vocab

    def term_idf(self, token: str) -> float:
        col = self.vocab.get(token)
        return float(self.idf[col]) if col is not None else float(np.log1p(len(self.ids) + 0.5))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self.counts is not None:  # written first: a reader goes by the index file
            _save_npz(directory / self.COUNTS_FILE, rows=self.counts.rows, cols=self.counts.cols,
                      tf=self.counts.tf)
        _save_npz(directory / self.FILE, ids=np.array(self.ids, dtype=str), terms=np.array(self.terms, dtype=str),
                  idf=self.idf, data=self.data, indices=self.indices, indptr=self.indptr)

    @classmethod
    def load(cls, directory: Path, counts: bool = False) -> "LexicalIndex | None":
        """`counts`: also the term counts a merge needs (None when they were never saved)."""
        path = directory / cls.FILE
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as data:
            index = cls.from_npz(data)
        if counts and (directory / cls.COUNTS_FILE).exists():
            with np.load(directory / cls.COUNTS_FILE, allow_pickle=False) as data:
                index.counts = TermCounts(data["rows"], data["cols"], data["tf"])
        return index

    @classmethod
    def from_npz(cls, data) -> "LexicalIndex":
        terms = data["terms"].tolist()
        return cls(data["ids"].tolist(), {t: i for i, t in enumerate(terms)}, data["data"],
                   data["indices"], data["indptr"], data["idf"])


def _save_npz(path: Path, **arrays) -> None:
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)  # readers never see a half-written file
