"""The ingest's intent log: which papers the store may hold that the read side does not yet.

Written (atomically) before each write to the store and removed once the read side has the
same papers. Found with the write lock free, it means a writer was killed in between: the read
side then re-reads those papers (and only those) from the store, so a kill costs seconds to
heal, not a rebuild. `rebuild` marks an operation whose interruption leaves the read side
unknown (clearing, rebuilding): the next open rebuilds it whole. `restore` marks the opposite: the
store being rebuilt from the read side (after a kill left it unreadable), and how far it got:
"aside" (the unreadable store is being moved away, and is kept) or "fill" (the new store is
being filled: a half-filled one is removed); the next open redoes it from there."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Intent:
    ids: list[str] = field(default_factory=list)  # papers being written
    removed: list[str] = field(default_factory=list)  # papers being deleted
    rebuild: bool = False
    restore: str = ""  # "", "aside" or "fill"


class Journal:
    def __init__(self, directory: Path):
        self.path = directory / "ingest.journal"

    def write(self, intent: Intent) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"ids": intent.ids, "removed": intent.removed, "rebuild": intent.rebuild,
                                   "restore": intent.restore}))
        os.replace(tmp, self.path)

    def read(self) -> Intent | None:
        """The pending intent; an unreadable journal asks for a rebuild."""
        try:
            data = json.loads(self.path.read_text())
            return Intent([str(i) for i in data["ids"]], [str(i) for i in data.get("removed", [])],
                          bool(data.get("rebuild")), str(data.get("restore") or ""))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            return Intent(rebuild=True)

    def exists(self) -> bool:
        return self.path.exists()

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
