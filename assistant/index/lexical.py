"""BM25 over titles and abstracts, built at ingest and persisted with the index's read side.

The BM25 weight of every (paper, term) pair is precomputed into a column-compressed matrix, so a
query is a sum of a few columns: no per-query rebuild, milliseconds at 100k abstracts. Queries
read the matrix's three arrays with numpy alone: importing scipy costs 0.15 s of a cold start.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from assistant.corpus import Paper

TITLE_WEIGHT = 3.0  # a title term counts as much as three mentions in the abstract
K1, B = 1.2, 0.75

_TOKEN = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing done down during each
    few for from further had has have having he her here hers him his how i if in into is it
    its itself just me more most my no nor not of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your paper papers abstract abstracts propose proposed show shows
    present presents use used using via new method methods approach approaches work study""".split()
)


def stem(token: str) -> str:
    """A light suffix strip: enough to match plurals and -ing/-ed forms, cheap at query time."""
    for suffix, min_len in (("ies", 5), ("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if token.endswith(suffix) and len(token) >= min_len and not token.endswith("ss"):
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN.findall(text.casefold()):
        # "auto-encoders" matches "autoencoders" and "auto encoders": keep both forms.
        parts = re.split(r"[.\-]", raw)
        words = [raw.replace("-", "").replace(".", "")] + (parts if len(parts) > 1 else [])
        tokens.extend(stem(w) for w in words if w and w not in STOPWORDS)
    return tokens


class LexicalIndex:
    FILE = "lexical.npz"

    def __init__(self, ids: list[str], vocab: dict[str, int], data: np.ndarray, indices: np.ndarray,
                 indptr: np.ndarray, idf: np.ndarray):
        self.ids = ids
        self.vocab = vocab
        # Papers x terms in CSC form: column t's weights are data[indptr[t]:indptr[t+1]], for
        # the papers (rows) in the same slice of indices.
        self.data, self.indices, self.indptr = data, indices, indptr
        self.idf = idf

    @classmethod
    def build(cls, papers: Iterable[Paper]) -> "LexicalIndex":
        from scipy import sparse

        ids: list[str] = []
        vocab: dict[str, int] = {}
        rows, cols, tfs, lengths = [], [], [], []
        for row, paper in enumerate(papers):
            ids.append(paper.id)
            counts: dict[int, float] = {}
            for weight, text in ((TITLE_WEIGHT, paper.title), (1.0, paper.abstract)):
                for token in tokenize(text):
                    col = vocab.setdefault(token, len(vocab))
                    counts[col] = counts.get(col, 0.0) + weight
            lengths.append(sum(counts.values()))
            rows.extend([row] * len(counts))
            cols.extend(counts)
            tfs.extend(counts.values())
        n_docs = len(ids)
        if n_docs == 0:
            empty = np.zeros(0, dtype=np.float32)
            return cls([], {}, empty, np.zeros(0, dtype=np.int32), np.zeros(1, dtype=np.int32), empty)
        rows_a, cols_a, tf = np.array(rows), np.array(cols), np.array(tfs, dtype=np.float64)
        dl = np.array(lengths)[rows_a]
        df = np.bincount(cols_a, minlength=len(vocab))
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        avgdl = float(np.mean(lengths)) or 1.0
        w = idf[cols_a] * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avgdl))
        matrix = sparse.csc_matrix((w.astype(np.float32), (rows_a, cols_a)), shape=(n_docs, len(vocab)))
        matrix.sort_indices()
        return cls(ids, vocab, matrix.data, matrix.indices, matrix.indptr, idf.astype(np.float32))

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

    def term_idf(self, token: str) -> float:
        col = self.vocab.get(token)
        return float(self.idf[col]) if col is not None else float(np.log1p(len(self.ids) + 0.5))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        terms = sorted(self.vocab, key=self.vocab.get)
        tmp = directory / (self.FILE + ".tmp.npz")
        np.savez(
            tmp,
            ids=np.array(self.ids, dtype=str),
            terms=np.array(terms, dtype=str),
            idf=self.idf,
            data=self.data,
            indices=self.indices,
            indptr=self.indptr,
        )
        os.replace(tmp, directory / self.FILE)  # readers never see a half-written file

    @classmethod
    def load(cls, directory: Path) -> "LexicalIndex | None":
        path = directory / cls.FILE
        if not path.exists():
            return None
        with np.load(path, allow_pickle=False) as data:
            terms = data["terms"].tolist()
            return cls(data["ids"].tolist(), {t: i for i, t in enumerate(terms)}, data["data"],
                       data["indices"], data["indptr"], data["idf"])

    @classmethod
    def remove(cls, directory: Path) -> None:
        (directory / cls.FILE).unlink(missing_ok=True)
