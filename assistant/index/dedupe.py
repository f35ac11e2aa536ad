"""Which papers an ingest has already met, by arXiv id and by normalised title, on disk.

Duplicates can be far apart in a stream of millions of records (the same paper in two files);
keeping every key in memory would grow with the input. A temporary SQLite table holds them
instead (a few MB of page cache whatever the input's size); it is removed when the ingest ends.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from assistant.corpus import Paper, normalise_title


def keys(paper: Paper) -> list[str]:
    found = [f"t:{normalise_title(paper.title)}"]
    if paper.arxiv_id:
        found.insert(0, f"a:{paper.arxiv_id}")
    return found


class SeenPapers:
    def __init__(self, directory: Path):
        self.path = directory / ".ingest-seen.sqlite3"
        self.path.unlink(missing_ok=True)  # a killed ingest's: this run starts afresh
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE seen (key TEXT PRIMARY KEY, id TEXT NOT NULL, status TEXT NOT NULL)")

    def find(self, papers: Sequence[Paper]) -> dict[str, tuple[str, str]]:
        """For each paper met before (by any key): its key -> (stored id, status)."""
        wanted = [k for p in papers for k in keys(p)]
        found: dict[str, tuple[str, str]] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update({k: (i, s) for k, i, s in
                          self.db.execute(f"SELECT key, id, status FROM seen WHERE key IN ({marks})", chunk)})
        return found

    def add(self, paper: Paper, status: str) -> None:
        self.db.executemany("INSERT OR REPLACE INTO seen VALUES (?, ?, ?)",
                            [(k, paper.id, status) for k in keys(paper)])

    def close(self) -> None:
        self.db.close()
        self.path.unlink(missing_ok=True)
