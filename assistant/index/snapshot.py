"""The index's read side: everything a question reads, written at the end of each ingest.

Importing chromadb costs 0.5-0.8 s on a 2-core laptop CPU, more than the rest of a cold
question together. So each ingest, once Chroma (the store of record) holds the papers, writes a
generation directory that a question opens without it:

- `papers.sqlite3`: each paper's abstract and metadata by row and id;
- `vectors.npy`: the embeddings as one float32 matrix, memory-mapped; dense search is an exact
  scan (5 ms at 100k abstracts here, faster than a Chroma query, and never approximate);
- `years.npy`: each row's year (0 when undated), for year filters;
- `lexical.npz`: the BM25 index over the same rows.

`current.json` names the live generation and is replaced atomically, so a reader sees the
whole of one generation or the whole of the next, never a mixture.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.index.lexical import LexicalIndex

POINTER = "current.json"
FORMAT = 1
OPEN_TRIES = 5  # a pointer that moves this many times while one reader opens it: give up


class Snapshot:
    def __init__(self, directory: Path | None, count: int, embedder: str, source: str = ""):
        """`directory` None: the empty read side of an index whose first ingest is running.
        `source`: the store's generation it was built from (a shared Chroma server's)."""
        self.directory = directory
        self.count = count
        self.embedder = embedder
        self.source = source
        self.vectors = np.load(directory / "vectors.npy", mmap_mode="r") if count else np.zeros((0, 0), np.float32)
        self.years = np.load(directory / "years.npy") if count else np.zeros(0, np.int32)
        # immutable=1: the file never changes once written, so SQLite takes no locks on it.
        self._db = sqlite3.connect(f"file:{directory / 'papers.sqlite3'}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False) if directory else None
        self._db_lock = threading.Lock()  # one connection, shared by the UI and worker threads
        # Opened now, parsed on first use: the open file outlives the generation's removal by a
        # later ingest, so a reader never finds its BM25 gone.
        self._lexical_file = np.load(directory / LexicalIndex.FILE, allow_pickle=False) if directory else None
        self._lexical: LexicalIndex | None = None
        self._lexical_lock = threading.Lock()

    # ------------------------------------------------------------------ reading
    @classmethod
    def open(cls, root: Path) -> "Snapshot | None":
        """The live generation under `root`, or None when there is none (or it is unreadable).

        An ingest swaps the pointer and then removes the old generation: a reader that read the
        pointer just before the swap finds its generation gone, and reads the pointer again."""
        for _ in range(OPEN_TRIES):
            text = _read_text(root / POINTER)
            if text is None:
                return None
            try:
                pointer = json.loads(text)
                if pointer.get("format") != FORMAT:
                    return None
                return cls(root / pointer["generation"], int(pointer["count"]), str(pointer["embedder"]),
                           str(pointer.get("source", "")))
            except (OSError, ValueError, KeyError, TypeError, AttributeError, sqlite3.Error):
                if _read_text(root / POINTER) == text:
                    return None  # damaged or missing, not replaced: the caller rebuilds it
        return None

    @property
    def lexical(self) -> LexicalIndex:
        with self._lexical_lock:
            if self._lexical is None:
                file = self._lexical_file
                self._lexical = LexicalIndex.from_npz(file) if file is not None else LexicalIndex.build([])
            return self._lexical

    def _query(self, sql: str, values: Sequence) -> list[tuple]:
        rows: list[tuple] = []
        if self._db is None:
            return rows
        with self._db_lock:
            for start in range(0, len(values), 500):  # below SQLite's bound-variable limit
                chunk = list(values[start : start + 500])
                rows.extend(self._db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk))
        return rows

    def search(self, vector: np.ndarray, k: int, years: tuple[int | None, int | None] | None = None
               ) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the k nearest papers, best first (vectors are unit length)."""
        if not self.count:
            return []
        scores = self.vectors @ np.asarray(vector, dtype=np.float32)
        if years and (years[0] is not None or years[1] is not None):
            keep = self.years > 0  # an undated paper never passes a year limit
            if years[0] is not None:
                keep &= self.years >= years[0]
            if years[1] is not None:
                keep &= self.years <= years[1]
            scores = np.where(keep, scores, -np.inf)
        k = min(k, int(np.isfinite(scores).sum()))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        ids = dict(self._query("SELECT row, id FROM papers WHERE row IN ({marks})", top.tolist()))
        return [(ids[int(row)], float(scores[row])) for row in top]

    def papers(self, ids: Sequence[str]) -> dict[str, Paper]:
        return {
            pid: Paper.from_stored(pid, abstract, json.loads(meta))
            for pid, abstract, meta in self._query(
                "SELECT id, abstract, meta FROM papers WHERE id IN ({marks})", ids)
        }

    def records(self) -> tuple[list[Paper], list[dict], np.ndarray]:
        """Every paper, its stored metadata and its vector, in row order: the base of a merge."""
        with self._db_lock:
            rows = list(self._db.execute("SELECT id, abstract, meta FROM papers ORDER BY row")) if self._db else []
        metadatas = [json.loads(meta) for _, _, meta in rows]
        papers = [Paper.from_stored(pid, abstract, meta) for (pid, abstract, _), meta in zip(rows, metadatas)]
        return papers, metadatas, np.asarray(self.vectors)

    def merged_lexical(self, keep: np.ndarray, papers: Sequence[Paper]) -> LexicalIndex:
        """BM25 over rows `keep` of this generation, then `papers`, tokenizing only those
        (a merge base is always a generation on disk: `Snapshot.open`)."""
        base = LexicalIndex.load(self.directory, counts=True)
        if base is None or base.counts is None:
            raise ValueError(f"{self.directory}: no term counts to merge with")
        return base.merged(keep, papers)

    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        rows = self._query("SELECT id, row FROM papers WHERE id IN ({marks})", ids)
        return {pid: np.array(self.vectors[row], dtype=np.float32) for pid, row in rows}

    # ------------------------------------------------------------------ writing
    @staticmethod
    def write(root: Path, embedder: str, papers: Sequence[Paper], metadatas: Sequence[dict],
              vectors: np.ndarray, lexical: LexicalIndex | None = None, source: str = "") -> None:
        """Write a new generation and make it the live one; older generations are removed.
        `lexical`: the BM25 index over the same rows, when the caller has it (else built)."""
        generation = f"gen-{time.time_ns()}"
        directory = root / generation
        directory.mkdir(parents=True)
        db = sqlite3.connect(directory / "papers.sqlite3")
        with db:
            db.execute("CREATE TABLE papers (row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, "
                       "abstract TEXT NOT NULL, meta TEXT NOT NULL)")
            db.executemany("INSERT INTO papers VALUES (?, ?, ?, ?)",
                           ((row, p.id, p.abstract, json.dumps(meta))
                            for row, (p, meta) in enumerate(zip(papers, metadatas))))
        db.close()
        if len(papers):
            np.save(directory / "vectors.npy", np.ascontiguousarray(vectors, dtype=np.float32))
            np.save(directory / "years.npy", np.array([int(m.get("year", 0) or 0) for m in metadatas],
                                                      dtype=np.int32))
        (lexical or LexicalIndex.build(papers)).save(directory)
        pointer = {"format": FORMAT, "generation": generation, "count": len(papers), "embedder": embedder,
                   "source": source}
        tmp = root / (POINTER + ".tmp")
        tmp.write_text(json.dumps(pointer))
        os.replace(tmp, root / POINTER)
        # Readers that opened an older generation keep their open files (POSIX unlink semantics).
        for old in root.glob("gen-*"):
            if old.name != generation:
                shutil.rmtree(old, ignore_errors=True)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None
