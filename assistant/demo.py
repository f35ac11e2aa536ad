"""The bundled corpus is a first-run demo, never mixed into a user's data.

An index directory records who filled it, in `origin.json`: nobody yet (no file), the demo, or
the user. The demo is indexed only into an index nobody has filled; the user's first ingest, or
`index clear`, takes the index over for good, removing the demo first. So an interrupted first
ingest of the user's own file leaves an empty user index (questions say how to ingest), never
one that the demo fills behind the user's back.

The record is written before the index is touched, under a file lock that orders these steps
between processes: a kill between any two of them leaves a state the next run completes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

DEMO, USER = "demo", "user"


class IndexOrigin:
    FILE = "origin.json"

    def __init__(self, directory: Path):
        self.directory = directory

    @property
    def path(self) -> Path:
        return self.directory / self.FILE

    def read(self) -> str | None:
        """"demo", "user", or None for an index nobody has filled (an unreadable record counts
        as the user's: the demo must never be added to what may be the user's data)."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))["filled_by"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return USER

    def write(self, who: str) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".tmp")
        partial.write_text(json.dumps({"filled_by": who}), encoding="utf-8")
        os.replace(partial, self.path)  # whole or not at all

    def lock(self):
        from filelock import FileLock

        self.directory.mkdir(parents=True, exist_ok=True)
        return FileLock(str(self.directory / ".origin.lock"))
