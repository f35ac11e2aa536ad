"""One generation of the read side: the manifest and the segments it names.

Importing chromadb costs 0.5-0.8 s on a 2-core laptop CPU, more than the rest of a cold
question together. So questions read the read side instead: segments (`segment.py`) that each
ingest appends to, named by `manifest.json` together with the rows later ingests replaced
(deletion files). An ingest never rewrites a segment: it writes a new one, new deletion files
and a new manifest, switched in by an atomic rename, so a reader sees the whole of one
generation or the whole of the next, never a mixture. Small segments are merged into larger
ones now and then (`compaction.py`), by the same switch.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from assistant.corpus import Paper
from assistant.index.dense import DensePart
from assistant.index.dense import search as dense_search
from assistant.index.lexical import LexicalIndex, LexicalPart
from assistant.index.segment import FORMAT, Damaged, Segment, read_rows

MANIFEST = "manifest.json"
OLD_POINTER = "current.json"  # format 1: whole generations (gen-*), rebuilt from the store
OPEN_TRIES = 5  # a manifest that moves this many times while one reader opens it: give up


class Missing(Exception):
    """No read side yet (a new index), or one from an older version."""


def manifest_crc(manifest: dict) -> int:
    body = {k: v for k, v in manifest.items() if k != "crc"}
    return zlib.crc32(json.dumps(body, sort_keys=True).encode())


def read_manifest(root: Path) -> tuple[dict, str]:
    """(manifest, its text); Missing or Damaged."""
    try:
        text = (root / MANIFEST).read_text()
    except FileNotFoundError:
        raise Missing("no read side yet" if not (root / OLD_POINTER).exists() else "an older format") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Damaged(f"{MANIFEST} cannot be read ({exc})") from None
    try:
        manifest = json.loads(text)
        if manifest.get("format") != FORMAT:
            raise Missing("an older format")
        if manifest.get("crc") != manifest_crc(manifest):
            raise ValueError("checksum mismatch")
        for entry in manifest["segments"]:
            str(entry["name"]), int(entry["rows"])
    except Missing:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Damaged(f"{MANIFEST} is damaged ({exc})") from None
    return manifest, text


def write_manifest(root: Path, manifest: dict) -> None:
    manifest = {**manifest, "format": FORMAT}
    manifest["crc"] = manifest_crc(manifest)
    tmp = root / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, sort_keys=True))
    os.replace(tmp, root / MANIFEST)


class Snapshot:
    def __init__(self, manifest: dict, segments: Sequence[Segment], alive: Sequence[np.ndarray | None],
                 embedder: str):
        self.manifest = manifest
        self.segments = list(segments)
        self.alive = list(alive)
        self.embedder = embedder
        self.source = str(manifest.get("source", ""))
        self.generation = int(manifest.get("generation", 0))
        self.count = int(sum(s.rows if a is None else int(a.sum()) for s, a in zip(self.segments, self.alive)))
        self._lexical: LexicalIndex | None = None

    @classmethod
    def empty(cls, embedder: str) -> "Snapshot":
        return cls({"segments": [], "generation": 0}, [], [], embedder)

    @classmethod
    def open(cls, root: Path, full_check: bool = False) -> "Snapshot":
        """The live generation under `root`. Raises Missing or Damaged.

        An ingest swaps the manifest and then removes segments it merged away: a reader that
        read the manifest just before finds one gone, and reads the manifest again; one that
        opened a generation while the next was switched in opens the next."""
        for _ in range(OPEN_TRIES):
            manifest, text = read_manifest(root)
            try:
                segments, alive = [], []
                for entry in manifest["segments"]:
                    segment = Segment(root / entry["name"], full_check=full_check)
                    if segment.rows != int(entry["rows"]):
                        raise Damaged(f"{entry['name']} holds {segment.rows} rows, not {entry['rows']}")
                    segments.append(segment)
                    alive.append(_alive(root / entry["name"], entry, segment.rows))
            except Damaged:
                if _text(root / MANIFEST) != text:
                    continue  # replaced while we opened it
                raise
            if _text(root / MANIFEST) != text:
                continue  # a newer generation went live meanwhile: it has every paper this one has
            return cls(manifest, segments, alive, str(manifest.get("embedder", "")))
        raise Damaged("the manifest kept changing while it was opened")

    # ------------------------------------------------------------------ reading
    @property
    def lexical(self) -> LexicalIndex:
        if self._lexical is None:
            self._lexical = LexicalIndex([LexicalPart(s.postings, a, s.ids_of, s.row_of)
                                          for s, a in zip(self.segments, self.alive)])
        return self._lexical

    def search(self, vector: np.ndarray, k: int, years: tuple[int | None, int | None] | None = None
               ) -> list[tuple[str, float]]:
        """(id, cosine similarity) of the k nearest papers, best first (vectors are unit length)."""
        if not self.count:
            return []
        parts = [DensePart(s.vectors, s.codes, s.years, a) for s, a in zip(self.segments, self.alive)]
        found = dense_search(parts, vector, k, years)
        ids: dict[tuple[int, int], str] = {}
        for p, segment in enumerate(self.segments):
            rows = [row for q, row, _ in found if q == p]
            if rows:
                ids.update({(p, row): pid for row, pid in zip(rows, segment.ids_of(rows))})
        return [(ids[(p, row)], score) for p, row, score in found]

    def _live(self, sql: str, ids: Sequence[str]) -> Iterator[tuple[int, tuple]]:
        """(segment index, row tuple) of the live rows for `ids`; the row tuple starts with the row."""
        for p, (segment, alive) in enumerate(zip(self.segments, self.alive)):
            for found in segment.query(sql, ids):
                if alive is None or alive[found[0]]:
                    yield p, found

    def locate(self, ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        return {found[1]: (p, found[0])
                for p, found in self._live("SELECT row, id FROM papers WHERE id IN ({marks})", list(ids))}

    def papers(self, ids: Sequence[str]) -> dict[str, Paper]:
        return {pid: Paper.from_stored(pid, abstract, json.loads(meta)) for _, (_, pid, abstract, meta)
                in self._live("SELECT row, id, abstract, meta FROM papers WHERE id IN ({marks})", list(ids))}

    def stored_versions(self, ids: Sequence[str]) -> dict[str, tuple[str, int]]:
        """(content hash, arXiv version number) of the papers the read side holds."""
        return {pid: (h, int(v)) for _, (_, pid, h, v)
                in self._live("SELECT row, id, hash, version FROM papers WHERE id IN ({marks})", list(ids))}

    def vectors_of(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        return {pid: np.array(self.segments[p].vectors[row], dtype=np.float32)
                for pid, (p, row) in self.locate(ids).items()}

    def pages(self, size: int = 5000) -> Iterator[tuple[list[Paper], list[dict], np.ndarray]]:
        """Every live paper with its stored metadata and vector, in pages."""
        for segment, alive in zip(self.segments, self.alive):
            for batch in segment.iter_rows(size):
                rows = [r for r in batch if alive is None or alive[r[0]]]
                if rows:
                    metas = [json.loads(r[3]) for r in rows]
                    papers = [Paper.from_stored(r[1], r[2], m) for r, m in zip(rows, metas)]
                    yield papers, metas, np.asarray(segment.vectors[[r[0] for r in rows]], dtype=np.float32)

    def close(self) -> None:
        for segment in self.segments:
            segment.close()


def _alive(directory: Path, entry: dict, rows: int) -> np.ndarray | None:
    name = entry.get("deleted")
    if not name:
        return None
    path = directory / name
    try:
        deleted = read_rows(path)
    except (FileNotFoundError, OSError):
        raise Damaged(f"{directory.name}/{name} is missing") from None
    if zlib.crc32(deleted.tobytes()) != entry.get("deleted_crc") or len(deleted) != entry.get("deleted_count"):
        raise Damaged(f"{directory.name}/{name} does not match its checksum")
    if len(deleted) and (deleted.min() < 0 or deleted.max() >= rows):
        raise Damaged(f"{directory.name}/{name} names rows the segment does not have")
    alive = np.ones(rows, dtype=bool)
    alive[deleted] = False
    return alive


def _text(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None
