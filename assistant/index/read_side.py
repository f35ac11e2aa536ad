"""The read side's lifecycle: which generation questions read, and keeping it in step with the
store of record.

Questions read a `Snapshot` (see `snapshot.py`); this decides which one. It reopens the live
generation when another process has ingested, rebuilds it from the store when it is missing,
from another format, or left behind by an interrupted ingest (or, with a shared server, by
another machine's ingest), and writes the next generation at the end of each ingest: merged
into the last one when it is sound, else rebuilt from the store.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.errors import IndexUnavailable
from assistant.index.lexical import LexicalIndex
from assistant.index.snapshot import POINTER, Snapshot
from assistant.index.store import PaperStore

SERVER_CHECK_S = 5.0  # how often a reader asks a shared server whether others ingested


class ReadSide:
    def __init__(self, directory: Path, store: PaperStore, embedder_name: str):
        self.directory = directory
        self.store = store
        self.embedder_name = embedder_name
        self._snapshot: Snapshot | None = None
        self._snapshot_key: tuple | None = None
        self._server_checked = float("-inf")  # when a shared server was last asked for news
        # The UI thread, warm-up threads and an ingest worker all reach for the read side.
        self._lock = threading.RLock()

    @property
    def root(self) -> Path:
        return self.directory / "read"

    @property
    def marker(self) -> Path:
        # Present from an ingest's first write to the store until its generation is live: found
        # with the write lock free, it means an ingest was interrupted and the read side is behind.
        return self.directory / ".ingesting"

    def write_lock(self):
        # Chroma is not safe with two processes writing one directory: serialise writers.
        from filelock import FileLock

        self.directory.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.directory / ".write.lock"))

    def _pointer_key(self) -> tuple | None:
        try:
            stat = (self.root / POINTER).stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns)

    # ------------------------------------------------------------------ reading
    def current(self) -> Snapshot:
        """The live generation, reopened when another process has ingested since, healed when
        it is behind the store. Never blocks on a running ingest."""
        with self._lock:
            key = self._pointer_key()
            if self._snapshot is None or key != self._snapshot_key:
                opened = Snapshot.open(self.root) if key else None
                sound = opened is not None and opened.embedder == self.embedder_name
                self._snapshot, self._snapshot_key = (opened, key) if sound else (None, None)
            if self._snapshot is None or self.marker.exists():
                self._snapshot = self._heal()
                self._snapshot_key = self._pointer_key() if self._snapshot.directory else None
            if self.store.shared and time.monotonic() - self._server_checked >= SERVER_CHECK_S:
                self._follow_server()
            return self._snapshot

    def _follow_server(self) -> None:
        self._server_checked = time.monotonic()
        try:
            current = self.store.generation()
        except Exception:  # the server is down: the local read side still answers
            return
        if current != self._snapshot.source:
            self._snapshot = self._heal(source=current)
            self._snapshot_key = self._pointer_key()

    def _heal(self, source: str | None = None) -> Snapshot:
        """Rebuild under the write lock, unless someone else did meanwhile; `source`: the store
        generation the read side must have been built from."""
        from filelock import Timeout

        try:
            with self.write_lock().acquire(timeout=0):
                # Re-check under the lock: another process may have rebuilt it meanwhile.
                fresh = Snapshot.open(self.root)
                if (fresh is None or self.marker.exists() or fresh.embedder != self.embedder_name
                        or (source is not None and fresh.source != source)):
                    self.rebuild()
                    self.marker.unlink(missing_ok=True)
                    fresh = Snapshot.open(self.root)
                if fresh is None:
                    raise IndexUnavailable(f"{self.root}: the index's read side cannot be written")
                return fresh
        except Timeout:
            # An ingest is running: keep reading the last generation (empty before the first
            # one) rather than block a UI thread for the length of an ingest.
            return self._snapshot or Snapshot(None, 0, self.embedder_name)

    # ------------------------------------------------------------------ writing (under the write lock)
    def rebuild(self, source: str | None = None) -> None:
        """A new generation from everything in the store."""
        if source is None and self.store.shared:
            # Read before the export: a write that lands during it sets a newer generation after.
            source = self.store.generation()
        papers, metadatas, vectors = self.store.export()
        Snapshot.write(self.root, self.embedder_name, papers, metadatas, vectors, source=source or "")
        (self.directory / LexicalIndex.FILE).unlink(missing_ok=True)  # where older versions kept BM25

    def base(self) -> Snapshot | None:
        """What the next generation can be merged into: none after an interrupted ingest."""
        return None if self.marker.exists() else Snapshot.open(self.root)

    def publish(self, base: Snapshot | None, todo: Sequence[Paper], vectors: np.ndarray) -> None:
        """The last generation with `todo` replacing or joining its rows: no read-back from the
        store, and BM25 tokenizes only `todo`. From the store when there is no sound base."""
        if self.store.shared:
            # Others may have written since the last generation; mark this write, then read
            # everything back (see rebuild for the order).
            self.rebuild(self.store.mark_generation())
            return
        if base is None or base.embedder != self.embedder_name:
            self.rebuild()
            return
        try:
            papers, metadatas, old_vectors = base.records()
            replaced = {p.id for p in todo}
            keep = np.array([i for i, p in enumerate(papers) if p.id not in replaced], dtype=np.int64)
            lexical = base.merged_lexical(keep, todo)
        except (OSError, ValueError, sqlite3.Error):  # a damaged generation: the store has it all
            self.rebuild()
            return
        Snapshot.write(
            self.root, self.embedder_name,
            [papers[i] for i in keep] + list(todo),
            [metadatas[i] for i in keep] + [p.to_metadata() for p in todo],
            np.concatenate([old_vectors[keep], vectors]) if len(keep) else vectors,
            lexical,
        )
