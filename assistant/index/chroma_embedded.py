"""Chroma embedded in the index directory: one process writes at a time (the index's lock)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import weakref
from pathlib import Path

from assistant.errors import IndexUnavailable
from assistant.index.chroma_base import ChromaCollectionStore


class EmbeddedChromaStore(ChromaCollectionStore):
    def __init__(self, directory: Path, embedder_name: str):
        super().__init__(embedder_name)
        self.directory = directory
        self.location = str(directory)

    def _client_for(self, chromadb, settings):
        self.directory.mkdir(parents=True, exist_ok=True)
        self._forget_cached_system()  # each store object reads the disk itself, never a stale copy
        return chromadb.PersistentClient(path=str(self.directory / "chroma"), settings=settings)

    def _opened(self, client, collection) -> None:
        """The system this client made is this store's alone (the cache entry is popped before
        each open): stop it, closing its SQLite and HNSW files, once its collection is no longer
        used by anyone — not at `refresh`, when a query in another thread may still be running
        on it. Without this every open left ~11 descriptors behind for the life of the process
        (a long test session ran out of select()'s 1024)."""
        system = client._system
        weakref.finalize(collection, _stop, system, str(self.directory / "chroma"))

    def _forget_cached_system(self) -> None:
        from chromadb.api.shared_system_client import SharedSystemClient

        # Popped, not stopped: other objects in this process may still hold the old one.
        SharedSystemClient._identifier_to_system.pop(str(self.directory / "chroma"), None)

    def refresh(self) -> None:
        """Forget the open client: the next use reads the store from disk again. Called when the
        write lock is taken, since another process may have written since: Chroma caches one
        system per path in a process, and a stale one fails on what others wrote ("Error
        finding id")."""
        with self._opening:
            self._client = self._collection = None

    def load_problem(self, ids: list[str]) -> str | None:
        """Why the store cannot be read, from a child process that tries (`chroma_probe.py`);
        None when it can. Only Chroma raising or crashing there condemns the store: a check that
        could not run (no memory, killed, too slow) raises instead, and the journal waits."""
        from assistant.index.chroma_probe import BROKEN

        path = self.directory / "chroma"
        if not path.exists():
            return None
        self.refresh()
        try:
            child = subprocess.run([sys.executable, "-m", "assistant.index.chroma_probe", str(path)],
                                   input="\n".join(ids), capture_output=True, text=True, timeout=600,
                                   cwd=self.directory)  # not the user's directory: no stray package
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise IndexUnavailable(f"{self.location}: could not check the store an interrupted ingest left "
                                   f"({type(exc).__name__}); try again") from None
        lines = [line for line in child.stderr.splitlines() if line.strip()]
        if child.returncode == 0:
            return None
        if child.returncode == BROKEN:
            return f"could not be read ({lines[-1] if lines else 'Chroma raised'})"
        if -child.returncode in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGFPE):
            return f"crashed Chroma when read ({signal.Signals(-child.returncode).name})"
        raise IndexUnavailable(f"{self.location}: could not check the store an interrupted ingest left "
                               f"(exit {child.returncode}{': ' + lines[-1] if lines else ''}); try again")

    def set_aside(self, keep: bool = True) -> Path | None:
        """Move the store's files out of the way (`keep`: beside it, named for the time; else
        removed); the next use starts an empty store. Never opened here: they may crash Chroma."""
        import shutil

        with self._opening:
            self._client = self._collection = None
            self._forget_cached_system()
        path = self.directory / "chroma"
        if not path.exists():
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.directory / f"chroma.damaged-{stamp}"
        n = 1
        while aside.exists():
            n += 1
            aside = self.directory / f"chroma.damaged-{stamp}-{n}"
        path.rename(aside)
        if not keep:
            shutil.rmtree(aside, ignore_errors=True)
            return None
        return aside

    def clear(self) -> None:
        try:
            super().clear()
        except IndexUnavailable:
            # Damaged beyond opening: clearing is what the error message told the user to do.
            import shutil

            self.refresh()
            self._forget_cached_system()
            shutil.rmtree(self.directory / "chroma", ignore_errors=True)


def _stop(system, identifier: str) -> None:
    from chromadb.api.shared_system_client import SharedSystemClient

    if SharedSystemClient._identifier_to_system.get(identifier) is system:
        SharedSystemClient._identifier_to_system.pop(identifier, None)
    try:
        system.stop()
    except Exception:  # already stopped, or the interpreter is shutting down
        pass
