"""Merging segments: small ones into larger ones, so that an index keeps a few dozen segments
at most while an ingest never rewrites more than it must.

Segments are grouped by size level (a level spans a factor of FACTOR in live rows); when a
level holds FACTOR segments they become one of the next level. A row is rewritten about once
per level, log_4(rows / 2048) times over its life; adding 10k papers to 1M never touches the
1M segment. A merge reads its inputs in blocks and never holds a whole segment in memory."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.index.segment import DB, Segment, SegmentWriter

FACTOR = 4
BASE = 2048  # rows: segments smaller than this are level 0
REWRITE_DELETED = 0.3  # a segment with this share of its rows replaced is rewritten alone
ROW_BLOCK = 1 << 16
POSTING_BLOCK = 1 << 22  # postings per merge step, about 60 MB of temporaries


def level(live_rows: int) -> int:
    return 0 if live_rows < BASE else int(math.log(live_rows / BASE, FACTOR)) + 1


def plan(entries: Sequence[tuple[int, int]]) -> list[int] | None:
    """Indexes of the segments to merge next, given (rows, live rows) of each; None when none."""
    for i, (rows, live) in enumerate(entries):
        if rows and (rows - live) / rows >= REWRITE_DELETED:
            return [i]
    by_level: dict[int, list[int]] = {}
    for i, (_, live) in enumerate(entries):
        by_level.setdefault(level(live), []).append(i)
    for lvl in sorted(by_level):
        if len(by_level[lvl]) >= FACTOR:
            return by_level[lvl][:FACTOR]
    return None


def merge(directory: Path, segments: Sequence[Segment], alive: Sequence[np.ndarray | None]) -> dict:
    """Write the live rows of `segments`, in order, as one new segment in `directory`."""
    dim = segments[0].dim
    writer = SegmentWriter(directory, dim)
    remaps: list[np.ndarray] = []
    offset = 0
    for segment, live in zip(segments, alive):
        keep = np.ones(segment.rows, dtype=bool) if live is None else live
        remap = np.full(segment.rows, -1, dtype=np.int64)
        remap[keep] = offset + np.arange(int(keep.sum()))
        remaps.append(remap)
        _copy_papers(writer.db, segment, remap)
        for start in range(0, segment.rows, ROW_BLOCK):
            block = keep[start : start + ROW_BLOCK]
            writer.add_arrays(segment.vectors[start : start + ROW_BLOCK][block],
                              segment.years[start : start + ROW_BLOCK][block],
                              segment.postings.lengths[start : start + ROW_BLOCK][block],
                              segment.codes[start : start + ROW_BLOCK][block])
        offset += int(keep.sum())
    _merge_postings(writer, segments, remaps)
    return writer.finish()


def _copy_papers(db: sqlite3.Connection, segment: Segment, remap: np.ndarray) -> None:
    db.execute("ATTACH DATABASE ? AS src", (str(segment.directory / DB),))
    try:
        if len(remap) and (remap >= 0).all():
            db.execute("INSERT INTO papers SELECT row + ?, id, abstract, meta, hash, version FROM src.papers "
                       "ORDER BY row", (int(remap[0]),))
        else:
            db.execute("CREATE TEMP TABLE remap (old INTEGER PRIMARY KEY, new INTEGER)")
            kept = np.nonzero(remap >= 0)[0]
            db.executemany("INSERT INTO remap VALUES (?, ?)", zip(kept.tolist(), remap[kept].tolist()))
            db.execute("INSERT INTO papers SELECT remap.new, id, abstract, meta, hash, version FROM src.papers "
                       "JOIN remap ON remap.old = src.papers.row ORDER BY remap.new")
            db.execute("DROP TABLE remap")
        db.commit()
    finally:
        db.execute("DETACH DATABASE src")


def _merge_postings(writer: SegmentWriter, segments: Sequence[Segment], remaps: Sequence[np.ndarray]) -> None:
    """Columns of every input, term by term in hash order, a range of hashes at a time."""
    out = writer.postings_writers()
    total = sum(len(s.postings.postings) for s in segments)
    blocks = max(1, total // POSTING_BLOCK)
    bounds = [np.uint64((1 << 64) * i // blocks) for i in range(blocks)] + [None]
    written = 0
    out["indptr.i64"].write(np.zeros(1, dtype=np.int64))
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        terms, rows, tfs = [], [], []
        for segment, remap in zip(segments, remaps):
            p = segment.postings
            start = int(np.searchsorted(p.terms, lo))
            end = len(p.terms) if hi is None else int(np.searchsorted(p.terms, hi))
            if start >= end:
                continue
            a, b = int(p.indptr[start]), int(p.indptr[end])
            moved = remap[np.asarray(p.postings[a:b])]
            kept = moved >= 0
            terms.append(np.repeat(np.asarray(p.terms[start:end]), np.diff(np.asarray(p.indptr[start : end + 1])))[kept])
            rows.append(moved[kept])
            tfs.append(np.asarray(p.tf[a:b])[kept])
        if not terms:
            continue
        term, row, tf = np.concatenate(terms), np.concatenate(rows), np.concatenate(tfs)
        order = np.lexsort((row, term))
        term, row, tf = term[order], row[order], tf[order]
        unique, counts = np.unique(term, return_counts=True)
        out["terms.u64"].write(unique)
        out["indptr.i64"].write(written + np.cumsum(counts))
        out["postings.i32"].write(row.astype(np.int32))
        out["tf.u16"].write(tf)
        written += len(term)
