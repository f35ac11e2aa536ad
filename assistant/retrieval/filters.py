"""Metadata limits on what is retrieved: years and arXiv categories."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.corpus import Paper
from assistant.errors import UsageError


@dataclass(frozen=True)
class Filters:
    """Papers without a date never pass a year limit."""

    year_from: int | None = None
    year_to: int | None = None
    category: str | None = None  # an arXiv category ("cs.CL") or its archive ("cs")

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.year_from, self.year_to, self.category))

    @property
    def years(self) -> tuple[int | None, int | None] | None:
        """The year limits, applied inside dense search (categories are checked afterwards)."""
        if self.year_from is None and self.year_to is None:
            return None
        return (self.year_from, self.year_to)

    def accepts(self, paper: Paper) -> bool:
        year = int(paper.date[:4]) if paper.date and paper.date[:4].isdigit() else None
        if self.year_from is not None and (year is None or year < self.year_from):
            return False
        if self.year_to is not None and (year is None or year > self.year_to):
            return False
        if self.category and not any(c == self.category or c.split(".")[0] == self.category
                                     for c in paper.categories):
            return False
        return True

    def describe(self) -> str:
        parts = []
        if self.year_from is not None or self.year_to is not None:
            parts.append(f"{self.year_from or '…'}–{self.year_to or '…'}")
        if self.category:
            parts.append(self.category)
        return ", ".join(parts)


_YEARS = re.compile(r"\s*(\d{4})?\s*(-)?\s*(\d{4})?\s*")


def parse_years(text: str) -> tuple[int | None, int | None]:
    """"2023-2024", "2023-", "-2024" or "2024" (that year alone) as (from, to)."""
    match = _YEARS.fullmatch(text or "")
    if not match or not (match.group(1) or match.group(3)) or (match.group(3) and not match.group(2)):
        raise UsageError(f"expected years like 2023-2024, 2023-, -2024 or 2024, got {text!r}")
    start, dash, end = match.groups()
    if not dash:
        return int(start), int(start)
    return (int(start) if start else None), (int(end) if end else None)
