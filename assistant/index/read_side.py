"""The read side's lifecycle: which generation questions read, keeping it in step with the
store of record, and healing it.

Questions read a `Snapshot` (see `snapshot.py`); this decides which one. It reopens the live
generation when another process has written, and repairs it when needed:
- a journal left by a killed ingest (`journal.py`): the few papers it names are re-read from the
  store, once a child process has shown that the store can be read at all (a kill during
  Chroma's flush can leave files that crash whoever loads them); a store that cannot is set aside
  and rebuilt from the read side;
- a read side that is missing, from an older version, built with another embedder, or damaged
  (a file missing, truncated or changed): rebuilt from the store, with one line on stderr;
- with a shared server, another machine's ingest: rebuilt from the server.
It never blocks a reader on a running ingest: while one holds the write lock, readers keep the
last generation. Ingest appends each slice it writes to the store as a new segment.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.errors import IndexUnavailable
from assistant.index import compaction
from assistant.index.journal import Intent, Journal
from assistant.index.lexical import Postings, TermCounts
from assistant.index.segment import Damaged, Segment, paper_row, read_rows, write_rows, write_segment
from assistant.index.snapshot import MANIFEST, OLD_POINTER, Missing, Snapshot, read_manifest, write_manifest
from assistant.index.store import PaperStore

SERVER_CHECK_S = 5.0  # how often a reader asks a shared server whether others ingested
PAGE = 5000  # papers read back from the store per segment when rebuilding


def _stderr(message: str) -> None:
    print(f"assistant: warning: {message}", file=sys.stderr, flush=True)


class ReadSide:
    def __init__(self, directory: Path, store: PaperStore, embedder_name: str,
                 notify: Callable[[str], None] | None = None):
        self.directory = directory
        self.store = store
        self.embedder_name = embedder_name
        self.notify = notify or _stderr  # one line to the user when the read side is rebuilt
        self.journal = Journal(directory)
        self._snapshot: Snapshot | None = None
        self._snapshot_key: tuple | None = None
        self._server_checked = float("-inf")  # when a shared server was last asked for news
        # The UI thread, warm-up threads and an ingest worker all reach for the read side.
        self._lock = threading.RLock()

    @property
    def root(self) -> Path:
        return self.directory / "read"

    def write_lock(self):
        # Chroma is not safe with two processes writing one directory: serialise writers.
        from filelock import FileLock

        self.directory.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.directory / ".write.lock"))

    def _pointer_key(self) -> tuple | None:
        try:
            stat = (self.root / MANIFEST).stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    # ------------------------------------------------------------------ reading
    def current(self) -> Snapshot:
        """The live generation, reopened when another process has written since, repaired
        when it needs it. Never blocks on a running ingest."""
        with self._lock:
            key = self._pointer_key()
            if self._snapshot is None or key != self._snapshot_key:
                problem = None
                try:
                    opened = Snapshot.open(self.root)
                    if opened.embedder != self.embedder_name:
                        problem = f"was built with {opened.embedder}, not {self.embedder_name}"
                except (Missing, Damaged) as exc:
                    opened, problem = None, _problem(exc)
                if problem is None:
                    self._snapshot, self._snapshot_key = opened, key
                else:
                    self._snapshot, self._snapshot_key = self._heal()
            if self.journal.exists():
                self._snapshot, self._snapshot_key = self._heal()
            if self.store.shared and time.monotonic() - self._server_checked >= SERVER_CHECK_S:
                self._follow_server()
            return self._snapshot

    def damaged(self, reason: str) -> Snapshot:
        """A read failed on the current generation's files: rebuild it (if no ingest runs)."""
        with self._lock:
            self._snapshot, self._snapshot_key = self._heal(force=f"is damaged ({reason})")
            return self._snapshot

    def _follow_server(self) -> None:
        self._server_checked = time.monotonic()
        try:
            token = self.store.generation()
        except Exception:  # the server is down: the local read side still answers
            return
        if token != self._snapshot.source:
            self._snapshot, self._snapshot_key = self._heal(source=token)

    def _heal(self, force: str | None = None, source: str | None = None) -> tuple[Snapshot, object]:
        """Repair under the write lock; while someone else holds it (an ingest), keep reading
        the last generation rather than block a UI thread for the length of an ingest.

        Returns the snapshot with the pointer key it was opened at. Without the lock the
        pointer may move at any moment (the ingest's swap), so the last generation keeps its
        own key: pairing it with the pointer read afterwards would keep a reader on the old
        generation for good (papers added by the ingest "no longer in the index")."""
        from filelock import Timeout

        try:
            with self.write_lock().acquire(timeout=0):
                return self.prepare(force=force, source=source), self._pointer_key()
        except Timeout:
            if self._snapshot is not None:
                return self._snapshot, self._snapshot_key
            try:
                return Snapshot.open(self.root), None  # re-read at the next look
            except (Missing, Damaged):
                return Snapshot.empty(self.embedder_name), None

    # ------------------------------------------------------------------ writing (under the write lock)
    def prepare(self, force: str | None = None, source: str | None = None) -> Snapshot:
        """The live generation, sound and complete, before anything is written: a killed
        writer's journal replayed, a damaged or outdated read side rebuilt. Holds the lock."""
        self.store.refresh()
        intent = self.journal.read()
        if intent is not None and intent.restore and not self.store.shared:
            self.restore_store("was being restored when it was interrupted", stage=intent.restore)
            intent = None
        elif intent is not None and not intent.rebuild:
            # A writer was killed: the store it left may crash whoever loads it. Checked in a
            # child process first; when it cannot be read, it is rebuilt from the read side.
            unreadable = self.store.load_problem(list(dict.fromkeys(intent.ids + intent.removed)))
            if unreadable:
                self.restore_store(unreadable)
                intent = None
        problem = force
        snapshot = None
        if problem is None:
            try:
                snapshot = Snapshot.open(self.root)
                if snapshot.embedder != self.embedder_name:
                    problem = f"was built with {snapshot.embedder}, not {self.embedder_name}"
                elif source is not None and snapshot.source != source:
                    problem = ""  # another machine wrote to the shared store: not news to the user
            except (Missing, Damaged) as exc:
                problem = _problem(exc)
        if problem is None and intent is not None and intent.rebuild:
            problem = "was being rebuilt when it was interrupted"
        if problem is not None:
            fresh = isinstance(problem, _Fresh)
            if problem and not (fresh and self.store.count() == 0):
                self.notify(f"{self.directory}: the index's read side {problem}; rebuilding it from the store")
            self.rebuild(source)
            return Snapshot.open(self.root)
        if intent is not None:
            self.replay(intent, snapshot)
            return Snapshot.open(self.root)
        return snapshot

    def replay(self, intent: Intent, snapshot: Snapshot) -> None:
        """Bring the papers a killed writer named to what the store holds."""
        ids = list(dict.fromkeys(intent.ids + intent.removed))
        papers, metadatas, vectors = self.store.get(ids)
        found = {p.id for p in papers}
        self.append(papers, metadatas, vectors, removed=[i for i in ids if i not in found], snapshot=snapshot)
        self.journal.clear()

    def restore_store(self, reason: str, stage: str = "") -> int:
        """A new store from the read side, which holds every paper an ingest finished (their
        vectors and stored metadata). The read side is checked whole first: a store is never
        set aside for one that cannot replace it. Then, each step named in the journal before it
        starts: the unreadable store is moved aside and kept ("aside"; redone, it moves whatever
        is still there), and the new one filled ("fill"; redone, a half-filled one is removed).
        The papers in flight when the writer was killed are not in the read side: the next
        ingest of their file adds them."""
        try:
            snapshot = Snapshot.open(self.root, full_check=True)
            unusable = (None if snapshot.embedder == self.embedder_name
                        else f"it was built with {snapshot.embedder}, not {self.embedder_name}")
        except (Missing, Damaged) as exc:
            snapshot, unusable = None, f"it {_problem(exc)}"
        if unusable:
            if snapshot is not None:
                snapshot.close()
            raise IndexUnavailable(f"{self.directory}: the store a killed ingest left {reason}, and the read side "
                                   f"cannot replace it ({unusable}); run `assistant index clear --yes` and ingest again")
        restored, aside = 0, None
        try:
            if stage != "fill":
                self.journal.write(Intent(restore="aside"))
                aside = self.store.set_aside(keep=True)
                self.journal.write(Intent(restore="fill"))
            else:
                self.store.set_aside(keep=False)
            for papers, _, vectors in snapshot.pages(PAGE):
                self.store.upsert(papers, vectors)
                restored += len(papers)
        finally:
            snapshot.close()
        self.journal.clear()
        kept = f"; the unreadable copy is in {aside}" if aside else ""
        self.notify(f"{self.directory}: the store a killed ingest left {reason}; rebuilt it from the read side "
                    f"({restored} papers; ingest the interrupted files again to add the rest){kept}")
        return restored

    def rebuild(self, source: str | None = None) -> int:
        """A new read side from everything in the store, written beside the old one and switched
        in at the end; memory stays bounded (a page of papers at a time, merged as it goes)."""
        self.journal.write(Intent(rebuild=True))
        if source is None and self.store.shared:
            # Read before the export: a write that lands during it sets a newer generation after.
            source = self.store.generation()
        self.root.mkdir(parents=True, exist_ok=True)
        try:
            previous = read_manifest(self.root)[0]
        except (Missing, Damaged):
            previous = {}
        generation = int(previous.get("generation", 0)) + 1
        entries: list[dict] = []
        opened: dict[str, Segment] = {}
        for number, (papers, metadatas, vectors) in enumerate(self.store.pages(PAGE)):
            if papers:
                entry = self._write(papers, metadatas, vectors, f"seg-{generation:010d}-r{number:06d}")
                entries.append(entry)
                entries = self._compact(entries, opened, generation)
        manifest = {"generation": generation, "embedder": self.embedder_name, "source": source or "",
                    "segments": entries}
        write_manifest(self.root, manifest)
        self._cleanup(manifest)
        for old in [self.root / OLD_POINTER, self.directory / "lexical.npz", self.directory / ".ingesting"]:
            old.unlink(missing_ok=True)
        for old in self.root.glob("gen-*"):  # format 1 generations
            shutil.rmtree(old, ignore_errors=True)
        self.journal.clear()
        return sum(int(e["rows"]) - int(e.get("deleted_count", 0)) for e in entries)

    def append(self, papers: Sequence[Paper], metadatas: Sequence[dict], vectors: np.ndarray,
               removed: Sequence[str] = (), snapshot: Snapshot | None = None) -> None:
        """Make `papers` live (replacing any older rows of the same ids) and `removed` gone, as
        one new generation: a new segment, new deletion files, then merges if a level is full."""
        snapshot = snapshot or Snapshot.open(self.root)
        manifest = snapshot.manifest
        generation = int(manifest.get("generation", 0)) + 1
        gone: dict[int, list[int]] = {}
        for p, row in snapshot.locate([p.id for p in papers] + list(removed)).values():
            gone.setdefault(p, []).append(row)
        entries = []
        for p, entry in enumerate(manifest["segments"]):
            entry = dict(entry)
            if p in gone:
                directory = self.root / entry["name"]
                old = read_rows(directory / entry["deleted"]).tolist() if entry.get("deleted") else []
                name = f"del-{generation:010d}.i32"
                rows = set(old) | set(gone[p])
                entry.update(deleted=name, deleted_count=len(rows), deleted_crc=write_rows(directory / name, rows))
            entries.append(entry)
        if papers:
            entries.append(self._write(papers, metadatas, vectors, f"seg-{generation:010d}-a"))
        opened = {s.name: s for s in snapshot.segments}
        entries = self._compact(entries, opened, generation)
        new = {"generation": generation, "embedder": self.embedder_name, "source": snapshot.source,
               "segments": entries}
        write_manifest(self.root, new)
        self._cleanup(new)

    def clear(self) -> None:
        self.journal.write(Intent(rebuild=True))
        self.store.clear()
        self.rebuild()

    # ------------------------------------------------------------------ helpers
    def _write(self, papers: Sequence[Paper], metadatas: Sequence[dict], vectors: np.ndarray, name: str) -> dict:
        tmp = self.root / f".tmp-{name}"
        shutil.rmtree(tmp, ignore_errors=True)
        vectors = np.asarray(vectors, dtype=np.float32)
        meta = write_segment(tmp, vectors.shape[1], [paper_row(p, m) for p, m in zip(papers, metadatas)],
                             vectors, Postings.from_counts(TermCounts.of(papers)))
        # `name` carries a generation newer than the live manifest's, so a directory already there
        # is no reader's: a writer killed after this rename and before its manifest left it.
        shutil.rmtree(self.root / name, ignore_errors=True)
        tmp.rename(self.root / name)
        return {"name": name, "rows": meta["rows"]}

    def _compact(self, entries: list[dict], opened: dict[str, Segment], generation: int) -> list[dict]:
        step = 0
        while True:
            live = [(int(e["rows"]), int(e["rows"]) - int(e.get("deleted_count", 0))) for e in entries]
            group = compaction.plan(live)
            if group is None:
                return entries
            inputs = [entries[i] for i in group]
            segments, alive = [], []
            for entry in inputs:
                directory = self.root / entry["name"]
                segment = opened.get(entry["name"]) or Segment(directory)
                opened[entry["name"]] = segment
                segments.append(segment)
                keep = np.ones(segment.rows, dtype=bool)
                if entry.get("deleted"):
                    keep[read_rows(directory / entry["deleted"])] = False
                alive.append(keep)
            step += 1
            name = f"seg-{generation:010d}-m{step:03d}"
            while (self.root / name).exists():  # a rebuild merges many times in one generation
                step += 1
                name = f"seg-{generation:010d}-m{step:03d}"
            tmp = self.root / f".tmp-{name}"
            shutil.rmtree(tmp, ignore_errors=True)
            meta = compaction.merge(tmp, segments, alive)
            tmp.rename(self.root / name)
            merged = {"name": name, "rows": meta["rows"]}
            entries = [merged if i == group[0] else e for i, e in enumerate(entries) if i == group[0] or i not in group]

    def _cleanup(self, manifest: dict) -> None:
        """Remove what the live manifest no longer names (readers keep their open files)."""
        live = {e["name"]: e.get("deleted") for e in manifest["segments"]}
        for path in self.root.iterdir():
            if path.name in live:
                for old in path.glob("del-*"):
                    if old.name != live[path.name]:
                        old.unlink(missing_ok=True)
            elif path.name.startswith(("seg-", ".tmp-", "gen-")) and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)


class _Fresh(str):
    """No read side yet: not worth a warning when the store is empty too."""


def _problem(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, Missing):
        if text == "an older format":
            return "was written by an older version"
        return _Fresh("is missing")
    return f"is damaged ({text})"
