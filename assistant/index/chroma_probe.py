"""Run as a child process: can the embedded Chroma store at PATH be loaded and read?

    python -m assistant.index.chroma_probe PATH < ids (one per line)

A kill during Chroma's flush can leave vector-segment files that its Rust loader does not
reject but trips over: it raises, and the heap is then corrupt, so the process aborts a moment
later wherever it happens to be (chroma#7238; a truncated `header.bin` reproduces it). No
in-process check can survive that, so the store a killed writer left is first read here: exit 0
when it loads and the named papers read back, BROKEN with one line on stderr when Chroma raises,
and the signal that killed it when it crashes.
"""

from __future__ import annotations

import sys


BROKEN = 3  # Chroma raised while loading or reading the store (any other failure exits 1 or 2)


def main(path: str, ids: list[str]) -> int:
    try:
        import chromadb
        from chromadb.config import Settings

        from assistant.index.chroma_base import COLLECTION
    except Exception as exc:  # noqa: BLE001 - the check itself cannot run: says nothing of the store
        print(f"{type(exc).__name__}: {exc}"[:300], file=sys.stderr)
        return 2
    try:
        client = chromadb.PersistentClient(path=path, settings=Settings(anonymized_telemetry=False))
        names = {getattr(c, "name", c) for c in client.list_collections()}
        if COLLECTION not in names:
            return 0
        collection = client.get_collection(COLLECTION, embedding_function=None)
        collection.count()
        for start in range(0, len(ids), 5000):
            collection.get(ids=ids[start : start + 5000], include=["documents", "metadatas", "embeddings"])
    except Exception as exc:  # noqa: BLE001 - any failure to read means the store is unusable
        print(f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300], file=sys.stderr)
        return BROKEN
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], [line.strip() for line in sys.stdin if line.strip()]))
