"""The index: MiniLM vectors in Chroma plus a BM25 index, kept in step by one ingest path."""

from __future__ import annotations

import sqlite3
import threading
import time

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.errors import IndexUnavailable
from assistant.index.lexical import LexicalIndex
from assistant.index.snapshot import POINTER, Snapshot
from assistant.index.store import ChromaStore

ProgressFn = Callable[[int, int], None]  # (done, total)
SERVER_CHECK_S = 5.0  # how often a reader asks a shared Chroma server whether others ingested


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0  # older arXiv versions of stored papers, not taken
    rejected: int = 0
    duplicates: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


class PaperIndex:
    """Chroma is the store of record; questions read the snapshot written after each ingest
    (see `snapshot.py`), so they never import chromadb."""

    def __init__(self, directory: Path, embedder, vector_search: str = "exact", chroma_url: str | None = None):
        self.directory = directory
        self.embedder = embedder
        from assistant.embedding import EMBEDDER_NAME

        self.embedder_name = EMBEDDER_NAME
        self.store = ChromaStore(directory, EMBEDDER_NAME, chroma_url)
        self.vector_search = vector_search  # "exact": the snapshot's matrix; "chroma": its HNSW
        self._server_checked = float("-inf")  # when a shared server was last asked for news
        self._snapshot: Snapshot | None = None
        self._snapshot_key: tuple | None = None
        # The UI thread, warm-up threads and an ingest worker all reach for the read side.
        self._read_lock = threading.RLock()

    @property
    def _read_root(self) -> Path:
        return self.directory / "read"

    @property
    def _marker(self) -> Path:
        # Present from an ingest's first write to Chroma until its snapshot is live: found with
        # the write lock free, it means an ingest was interrupted and the snapshot is behind.
        return self.directory / ".ingesting"

    def _write_lock(self):
        # Chroma is not safe with two processes writing one directory: serialise writers.
        from filelock import FileLock

        self.directory.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.directory / ".write.lock"))

    def _pointer_key(self) -> tuple | None:
        try:
            stat = (self._read_root / POINTER).stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    def snapshot(self) -> Snapshot:
        """The live read side, reopened when another process has ingested since; rebuilt from
        Chroma when it is missing, from another format, or left behind by an interrupted ingest
        (or, with a shared server, by another machine's ingest)."""
        with self._read_lock:
            key, behind = self._pointer_key(), self._marker.exists()
            if self._snapshot is None or key != self._snapshot_key or behind:
                snapshot = Snapshot.open(self._read_root) if key else None
                if snapshot is None or behind or snapshot.embedder != self.embedder_name:
                    snapshot = self._heal(snapshot)
                self._snapshot, self._snapshot_key = snapshot, self._pointer_key()
            if self.store.url and time.monotonic() - self._server_checked >= SERVER_CHECK_S:
                self._follow_server()
            return self._snapshot

    def _follow_server(self) -> None:
        self._server_checked = time.monotonic()
        try:
            current = self.store.generation()
        except Exception:  # the server is down: the local read side still answers
            return
        if current != self._snapshot.source:
            self._snapshot = self._heal(self._snapshot, source=current)
            self._snapshot_key = self._pointer_key()

    def _heal(self, current: Snapshot | None, source: str | None = None) -> Snapshot:
        """Rebuild under the write lock, unless someone else did meanwhile; `source`: the store
        generation the read side must have been built from."""
        from filelock import Timeout

        try:
            with self._write_lock().acquire(timeout=0):
                # Re-check under the lock: another process may have rebuilt it meanwhile.
                fresh = Snapshot.open(self._read_root)
                if (fresh is None or self._marker.exists() or fresh.embedder != self.embedder_name
                        or (source is not None and fresh.source != source)):
                    self._rebuild_read_side()
                    self._marker.unlink(missing_ok=True)
                    fresh = Snapshot.open(self._read_root)
                if fresh is None:
                    raise IndexUnavailable(f"{self._read_root}: the index's read side cannot be written")
                return fresh
        except Timeout:
            # An ingest is running: read the last generation (empty before the first one) rather
            # than block a UI thread for the length of an ingest.
            return current or Snapshot(None, 0, self.embedder_name)

    def _rebuild_read_side(self, source: str | None = None) -> None:
        if source is None and self.store.url:
            # Read before the export: a write that lands during it sets a newer generation after.
            source = self.store.generation()
        papers, metadatas, vectors = self.store.export()
        Snapshot.write(self._read_root, self.embedder_name, papers, metadatas, vectors, source=source or "")
        (self.directory / LexicalIndex.FILE).unlink(missing_ok=True)  # where older versions kept BM25

    def _write_read_side(self, base: Snapshot | None, todo: Sequence[Paper], vectors: np.ndarray) -> None:
        """The last generation with `todo` replacing or joining its rows: no read-back from
        Chroma, and BM25 tokenizes only `todo`. From Chroma when there is no sound base."""
        if self.store.url:
            # A shared server: others may have written since the last generation; mark this
            # write, then read everything back (see _rebuild_read_side for the order).
            self._rebuild_read_side(self.store.mark_generation())
            return
        if base is None or base.embedder != self.embedder_name:
            self._rebuild_read_side()
            return
        try:
            papers, metadatas, old_vectors = base.records()
            replaced = {p.id for p in todo}
            keep = np.array([i for i, p in enumerate(papers) if p.id not in replaced], dtype=np.int64)
            lexical = base.merged_lexical(keep, todo)
        except (OSError, ValueError, sqlite3.Error):  # a damaged generation: Chroma has it all
            self._rebuild_read_side()
            return
        Snapshot.write(
            self._read_root, self.embedder_name,
            [papers[i] for i in keep] + list(todo),
            [metadatas[i] for i in keep] + [p.to_metadata() for p in todo],
            np.concatenate([old_vectors[keep], vectors]) if len(keep) else vectors,
            lexical,
        )

    @property
    def lexical(self) -> LexicalIndex:
        return self.snapshot().lexical

    def ingest(self, papers: Sequence[Paper], on_progress: ProgressFn | None = None) -> IngestReport:
        """Embed only new or changed papers; re-running on the same input changes nothing."""
        start = time.perf_counter()
        report = IngestReport()
        with self._write_lock():
            stored = self.store.stored_versions([p.id for p in papers])
            # An older arXiv version than the one stored (an old dump ingested after a new one)
            # never replaces it.
            older = [p for p in papers if p.id in stored and p.version_number < stored[p.id][1]]
            skip = {p.id for p in older}
            todo = [p for p in papers if p.id not in skip and stored.get(p.id, ("", 0))[0] != p.content_hash]
            report.updated = sum(1 for p in todo if p.id in stored)
            report.added = len(todo) - report.updated
            report.older = len(older)
            report.unchanged = len(papers) - len(todo) - len(older)
            if todo:
                done = 0
                if on_progress:
                    on_progress(0, len(todo))
                base = None if self._marker.exists() else Snapshot.open(self._read_root)
                self._marker.touch()
                written: list[np.ndarray] = []
                # Embed and write in slices so an interrupted ingest keeps what it finished.
                step = 512
                for offset in range(0, len(todo), step):
                    chunk = todo[offset : offset + step]

                    def tick(n: int) -> None:
                        nonlocal done
                        done += n
                        if on_progress:
                            on_progress(done, len(todo))

                    vectors = self.embedder.encode([p.embedding_text for p in chunk], on_batch=tick)
                    self.store.upsert(chunk, vectors)
                    written.append(vectors)
                self._write_read_side(base, todo, np.concatenate(written))
                self._marker.unlink()
        report.seconds = time.perf_counter() - start
        return report

    def clear(self) -> int:
        with self._write_lock():
            count = self.store.count()
            self._marker.touch()
            self.store.clear()
            self._rebuild_read_side()
            self._marker.unlink()
        return count

    def count(self) -> int:
        return self.snapshot().count

    def dense_search(self, vector: np.ndarray, k: int, years: tuple[int | None, int | None] | None = None):
        """(id, cosine) pairs, best first; `years` limits to papers dated within (from, to)."""
        if self.vector_search == "chroma":
            return self.store.query(vector, k, years)
        return self.snapshot().search(vector, k, years)

    def lexical_search(self, query: str, k: int):
        return self.lexical.search(query, k)

    def papers(self, ids: Sequence[str]) -> dict[str, Paper]:
        return self.snapshot().papers(ids) if ids else {}

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return self.snapshot().vectors_of(ids) if ids else {}
