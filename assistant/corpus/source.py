"""`Corpus`: input files checked up front, then read as one stream of papers.

Everything that can stop a run (a missing or unreadable file, one of no known format, a CSV
without the needed columns) is found when the `Corpus` is made, before anything is written.
Reading is lazy and holds one record at a time, whatever the size of the input. A directory is
walked; its files of no known format are skipped with a note, not fatal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.corpus.csvfile import header_columns
from assistant.corpus.detect import KNOWN, sniff
from assistant.corpus.paper import Paper
from assistant.corpus.readers import FORMATS, READERS
from assistant.corpus.records import Record, Rejection
from assistant.errors import AssistantError, InputFileError, MissingInputError, UsageError

KEEP_REJECTIONS = 100  # kept for display; all of them are counted


@dataclass(frozen=True)
class InputFile:
    path: Path
    fmt: str
    size: int


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class Corpus:
    def __init__(self, paths: Iterable[Path], fmt: str | None = None):
        if fmt is not None and fmt not in READERS:
            raise UsageError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
        self.fmt = fmt
        self.files: list[InputFile] = []
        self.skipped: list[Skipped] = []
        for path in paths:
            self._add(Path(path), explicit=True)
        self.total_bytes = sum(f.size for f in self.files)
        self.records = 0  # papers read (before duplicates are merged)
        self.rejected: list[Rejection] = []  # the first KEEP_REJECTIONS
        self.rejected_count = 0
        self.rejected_kinds: Counter[str] = Counter()
        self.on_rejection: Callable[[Rejection], None] | None = None
        self._done_bytes = 0
        self._handle = None

    # ------------------------------------------------------------------ checks, before any write
    def _add(self, path: Path, explicit: bool) -> None:
        if not path.exists():
            raise MissingInputError(f"{path}: no such file")
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
                if file.is_file() and not hidden:
                    self._add(file, explicit=False)
            return
        try:
            detected, sure = sniff(path)
            fmt = self.fmt or detected
            if fmt == "csv":
                _check_csv_header(path)
        except AssistantError as error:
            if explicit:
                raise
            self.skipped.append(Skipped(path, str(error).removeprefix(f"{path}: ").removeprefix(f"{path}:1: ")))
            return
        if not explicit and not sure and not self.fmt and path.suffix.casefold() != ".txt":
            self.skipped.append(Skipped(path, f"no known format ({KNOWN}); skipped"))
            return
        self.files.append(InputFile(path, fmt, path.stat().st_size))

    # ------------------------------------------------------------------ reading
    @property
    def bytes_read(self) -> int:
        handle = self._handle
        try:
            current = handle.tell() if handle is not None and not handle.closed else 0
        except (OSError, ValueError):
            current = 0
        return self._done_bytes + current

    def records_and_rejections(self) -> Iterator[Record]:
        for file in self.files:
            try:
                with file.path.open("rb") as handle:
                    self._handle = handle
                    yield from READERS[file.fmt](file.path, handle)
            except OSError as exc:
                raise InputFileError(file.path, f"read error ({exc.strerror or exc})") from None
            finally:
                self._handle = None
            self._done_bytes += file.size

    def __iter__(self) -> Iterator[Paper]:
        for record in self.records_and_rejections():
            if isinstance(record, Rejection):
                self.rejected_count += 1
                self.rejected_kinds[record.kind] += 1
                if len(self.rejected) < KEEP_REJECTIONS:
                    self.rejected.append(record)
                if self.on_rejection:
                    self.on_rejection(record)
            else:
                self.records += 1
                yield record

    def rejection_summary(self) -> str:
        """"3 (2 not valid JSON, 1 missing field)"."""
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.rejected_kinds.most_common())
        return f"{self.rejected_count}" + (f" ({kinds})" if kinds else "")


def _check_csv_header(path: Path) -> None:
    with path.open("rb") as handle:
        first = handle.readline(1 << 16).decode("utf-8", errors="replace").removeprefix("\ufeff")
    title, abstract = header_columns(first)
    if not title or not abstract:
        raise InputFileError(path, "expected a CSV header with 'title' and 'abstract' columns", 1)
