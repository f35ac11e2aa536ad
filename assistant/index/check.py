"""`assistant index check`: the read side verified against the store of record.

Every read-side file is checksummed (not only those whose time moved, as on open), then the
store is read page by page: each stored paper must be live in the read side with the same
content hash and the same vector, and the read side must hold no paper the store lacks."""

from __future__ import annotations

import numpy as np

from assistant.index.segment import DB, Damaged
from assistant.index.snapshot import Missing, Snapshot

VECTOR_TOLERANCE = 1e-6


def check(index) -> list[str]:
    """Problems found, one line each; empty when the read side matches the store."""
    root = index.read_side.root
    try:
        snapshot = Snapshot.open(root, full_check=True)
    except (Missing, Damaged) as exc:
        return [f"{root}: the read side {'is missing' if isinstance(exc, Missing) else 'is damaged'} ({exc})"]
    problems: list[str] = []
    for segment in snapshot.segments:
        with segment._db_lock:
            verdict = segment._db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            problems.append(f"{segment.directory / DB}: {verdict}")
    if index.read_side.journal.exists():
        problems.append(f"{index.read_side.journal.path}: an interrupted ingest is not healed yet")
    stored = 0
    for papers, metadatas, vectors in index.store.pages(5000):
        stored += len(papers)
        ids = [p.id for p in papers]
        hashes = snapshot.stored_versions(ids)
        mine = snapshot.vectors_of(ids)
        for paper, meta, vector in zip(papers, metadatas, vectors):
            if paper.id not in hashes:
                problems.append(f"{paper.id}: in the store, not in the read side")
            elif hashes[paper.id][0] != str(meta.get("content_hash", "")):
                problems.append(f"{paper.id}: content differs from the store")
            elif not np.allclose(mine[paper.id], vector, atol=VECTOR_TOLERANCE):
                problems.append(f"{paper.id}: vector differs from the store")
    if snapshot.count != stored:
        problems.append(f"the read side holds {snapshot.count} papers, the store {stored}")
    return problems
