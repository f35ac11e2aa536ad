"""One segment of the read side: a directory of immutable files for a set of rows.

- `papers.sqlite3`: id, abstract, stored metadata, content hash and arXiv version by row;
- `vectors.f32`: the embeddings, one float32 row each, memory-mapped (rescoring, exact scans);
- `codes.u64`: the sign bits of each embedding (48 bytes for 384 dimensions): the first pass
  of dense search over large segments compares these, 32 times less memory than the floats;
- `years.i32`: each row's year (0 undated), for year filters;
- `terms.u64`, `indptr.i64`, `postings.i32`, `tf.u16`, `lengths.f32`: BM25 term counts
  (`lexical.py`).

`meta.json` records each file's size, CRC-32 and modification time. Opening compares sizes
and times (a few `stat` calls); a file whose time moved is checksummed, and one that fails is
reported as damaged (the read side is then rebuilt from the store). `check` checksums all."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.index.lexical import Postings

FORMAT = 2
ARRAYS = {  # file -> dtype; every array file is raw little-endian data
    "vectors.f32": np.float32,
    "codes.u64": np.uint64,
    "years.i32": np.int32,
    "lengths.f32": np.float32,
    "terms.u64": np.uint64,
    "indptr.i64": np.int64,
    "postings.i32": np.int32,
    "tf.u16": np.uint16,
}
DB = "papers.sqlite3"
META = "meta.json"
SCHEMA = ("CREATE TABLE papers (row INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, abstract TEXT NOT NULL, "
          "meta TEXT NOT NULL, hash TEXT NOT NULL, version INTEGER NOT NULL)")


class Damaged(Exception):
    """A read-side file is missing, truncated or changed: the read side must be rebuilt."""


def words(dim: int) -> int:
    return (dim + 63) // 64


def sign_codes(vectors: np.ndarray) -> np.ndarray:
    """The sign bit of every dimension, packed into 64-bit words (rows x words(dim))."""
    vectors = np.asarray(vectors, dtype=np.float32)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    bits = np.packbits(vectors > 0, axis=1, bitorder="little") if len(vectors) else np.zeros((0, 0), np.uint8)
    padded = np.zeros((len(vectors), words(dim) * 8), dtype=np.uint8)
    padded[:, : bits.shape[1]] = bits
    return padded.view(np.uint64)


def crc_file(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            crc = zlib.crc32(chunk, crc)
    return crc


class ArrayWriter:
    """Appends to one raw array file, keeping its CRC as it goes."""

    def __init__(self, path: Path, dtype):
        self.path, self.dtype = path, np.dtype(dtype)
        self.handle = path.open("wb")
        self.crc = 0

    def write(self, array: np.ndarray) -> None:
        data = np.ascontiguousarray(array, dtype=self.dtype).tobytes()
        self.crc = zlib.crc32(data, self.crc)
        self.handle.write(data)

    def close(self) -> None:
        self.handle.close()


@dataclass
class Row:
    id: str
    abstract: str
    meta: dict
    hash: str
    version: int


def paper_row(paper, meta: dict) -> Row:
    return Row(paper.id, paper.abstract, meta, str(meta.get("content_hash", "")), paper.version_number)


class SegmentWriter:
    """Writes a segment into a private directory; `finish` seals it (meta.json last)."""

    def __init__(self, directory: Path, dim: int):
        directory.mkdir(parents=True)
        self.directory, self.dim, self.rows = directory, dim, 0
        self.arrays = {name: ArrayWriter(directory / name, dtype) for name, dtype in ARRAYS.items()
                       if name not in ("terms.u64", "indptr.i64", "postings.i32", "tf.u16")}
        self.db = sqlite3.connect(directory / DB)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute(SCHEMA)

    def add_rows(self, rows: Sequence[Row], vectors: np.ndarray, lengths: np.ndarray) -> None:
        years = [int(r.meta.get("year", 0) or 0) for r in rows]
        self.db.executemany("INSERT INTO papers VALUES (?, ?, ?, ?, ?, ?)",
                            ((self.rows + i, r.id, r.abstract, json.dumps(r.meta), r.hash, r.version)
                             for i, r in enumerate(rows)))
        self.add_arrays(vectors, np.array(years, dtype=np.int32), lengths)

    def add_arrays(self, vectors: np.ndarray, years: np.ndarray, lengths: np.ndarray,
                   codes: np.ndarray | None = None) -> None:
        vectors = np.asarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        self.arrays["vectors.f32"].write(vectors)
        self.arrays["codes.u64"].write(sign_codes(vectors) if codes is None else codes)
        self.arrays["years.i32"].write(years)
        self.arrays["lengths.f32"].write(lengths)
        self.rows += len(vectors)

    def set_postings(self, postings: Postings) -> None:
        for name, array in (("terms.u64", postings.terms), ("indptr.i64", postings.indptr),
                            ("postings.i32", postings.postings), ("tf.u16", postings.tf)):
            writer = ArrayWriter(self.directory / name, ARRAYS[name])
            writer.write(array)
            writer.close()
            self.arrays[name] = writer

    def postings_writers(self) -> dict[str, ArrayWriter]:
        """For a merge that writes the columns in pieces."""
        for name in ("terms.u64", "indptr.i64", "postings.i32", "tf.u16"):
            self.arrays[name] = ArrayWriter(self.directory / name, ARRAYS[name])
        return {name: self.arrays[name] for name in ("terms.u64", "indptr.i64", "postings.i32", "tf.u16")}

    def finish(self) -> dict:
        self.db.commit()
        self.db.close()
        files = {}
        for name, writer in self.arrays.items():
            writer.close()
            files[name] = writer.crc
        files[DB] = crc_file(self.directory / DB)
        table = {}
        for name, crc in files.items():
            stat = (self.directory / name).stat()
            table[name] = {"size": stat.st_size, "crc32": crc, "mtime_ns": stat.st_mtime_ns}
        meta = {"format": FORMAT, "rows": self.rows, "dim": self.dim, "files": table}
        (self.directory / META).write_text(json.dumps(meta))
        return meta


def write_segment(directory: Path, dim: int, rows: Sequence[Row], vectors: np.ndarray, postings: Postings) -> dict:
    writer = SegmentWriter(directory, dim)
    if rows:
        writer.add_rows(rows, vectors, postings.lengths)
    writer.set_postings(postings)
    return writer.finish()


# ---------------------------------------------------------------------- reading

def _load(path: Path, dtype, count: int | None = None) -> np.ndarray:
    if path.stat().st_size == 0:
        return np.zeros(0, dtype=dtype)
    return np.memmap(path, dtype=dtype, mode="r")


def verify(directory: Path, meta: dict, full: bool = False) -> None:
    """Raise Damaged unless every file is as written. `full`: checksum every file; else only
    those whose size or modification time differ (the common case costs a `stat` each)."""
    for name, info in meta["files"].items():
        path = directory / name
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise Damaged(f"{path.name} is missing") from None
        if stat.st_size != info["size"]:
            raise Damaged(f"{path.name} is {stat.st_size} bytes, not {info['size']}")
        if full or stat.st_mtime_ns != info["mtime_ns"]:
            if crc_file(path) != info["crc32"]:
                raise Damaged(f"{path.name} does not match its checksum")
            if stat.st_mtime_ns != info["mtime_ns"]:
                try:  # the content is as written (a copy, a touch): remember that
                    os.utime(path, ns=(stat.st_atime_ns, info["mtime_ns"]))
                except OSError:
                    pass


def read_meta(directory: Path) -> dict:
    try:
        meta = json.loads((directory / META).read_text())
        if meta.get("format") != FORMAT or not isinstance(meta.get("files"), dict):
            raise ValueError("unknown format")
        expected = set(ARRAYS) | {DB}
        if set(meta["files"]) != expected:
            raise ValueError("wrong file list")
        return meta
    except FileNotFoundError:
        raise Damaged(f"{directory.name}/{META} is missing") from None
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise Damaged(f"{directory.name}/{META} is damaged ({exc})") from None


class Segment:
    """An open segment: memory-mapped arrays and a read-only SQLite connection. The open files
    outlive the directory's removal by a later merge (POSIX), so a reader never loses them."""

    def __init__(self, directory: Path, meta: dict | None = None, full_check: bool = False):
        self.directory = directory
        self.name = directory.name
        meta = meta or read_meta(directory)
        verify(directory, meta, full_check)
        self.rows, self.dim = int(meta["rows"]), int(meta["dim"])
        a = {name: _load(directory / name, dtype) for name, dtype in ARRAYS.items()}
        expect = {"vectors.f32": self.rows * self.dim, "codes.u64": self.rows * words(self.dim),
                  "years.i32": self.rows, "lengths.f32": self.rows}
        for name, n in expect.items():
            if len(a[name]) != n:
                raise Damaged(f"{self.name}/{name} holds {len(a[name])} values, not {n}")
        if len(a["indptr.i64"]) != len(a["terms.u64"]) + 1 or len(a["postings.i32"]) != len(a["tf.u16"]):
            raise Damaged(f"{self.name}: BM25 arrays do not agree")
        self.vectors = a["vectors.f32"].reshape(self.rows, self.dim) if self.rows else np.zeros((0, self.dim), np.float32)
        self.codes = a["codes.u64"].reshape(self.rows, words(self.dim)) if self.rows else np.zeros((0, 1), np.uint64)
        self.years = a["years.i32"]
        self.postings = Postings(a["terms.u64"], a["indptr.i64"], a["postings.i32"], a["tf.u16"], a["lengths.f32"])
        try:
            # immutable=1: the file never changes once written, so SQLite takes no locks on it.
            self._db = sqlite3.connect(f"file:{directory / DB}?mode=ro&immutable=1", uri=True,
                                       check_same_thread=False)
            # The OS caches the file anyway: a small SQLite cache per segment keeps a reader's
            # memory from growing with how much of a large segment it has looked at.
            self._db.execute("PRAGMA cache_size=-256")
            self._db.execute("SELECT count(*) FROM papers").fetchone()
        except sqlite3.Error as exc:
            raise Damaged(f"{self.name}/{DB}: {exc}") from None
        self._db_lock = threading.Lock()  # one connection, shared by the UI and worker threads

    def query(self, sql: str, values: Sequence) -> list[tuple]:
        rows: list[tuple] = []
        with self._db_lock:
            for start in range(0, len(values), 500):  # below SQLite's bound-variable limit
                chunk = list(values[start : start + 500])
                rows.extend(self._db.execute(sql.format(marks=",".join("?" * len(chunk))), chunk))
        return rows

    def ids_of(self, rows: Sequence[int]) -> list[str]:
        found = dict(self.query("SELECT row, id FROM papers WHERE row IN ({marks})", [int(r) for r in rows]))
        return [found[int(r)] for r in rows]

    def row_of(self, pid: str) -> int | None:
        found = self.query("SELECT row FROM papers WHERE id IN ({marks})", [pid])
        return int(found[0][0]) if found else None

    def iter_rows(self, batch: int = 5000) -> Iterator[list[tuple]]:
        """(row, id, abstract, meta, hash, version) in row order, in batches."""
        last = -1
        while True:
            with self._db_lock:
                got = self._db.execute("SELECT row, id, abstract, meta, hash, version FROM papers WHERE row > ? "
                                       "ORDER BY row LIMIT ?", (last, batch)).fetchall()
            if not got:
                return
            yield got
            last = got[-1][0]

    def close(self) -> None:
        self._db.close()


def read_rows(path: Path) -> np.ndarray:
    """A deletion file: sorted row numbers (int32)."""
    return np.fromfile(path, dtype=np.int32)


def write_rows(path: Path, rows: Iterable[int]) -> int:
    data = np.array(sorted(set(int(r) for r in rows)), dtype=np.int32)
    tmp = path.with_name(path.name + ".tmp")
    data.tofile(tmp)
    os.replace(tmp, path)
    return zlib.crc32(data.tobytes())
