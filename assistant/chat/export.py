"""A chat as Markdown with a reference list, and its cited papers as BibTeX.

Citations `[n]` are numbered per answer; the export renumbers them chat-wide so that one
reference list serves the whole document.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

from assistant.answering import citations as cite
from assistant.answering.record import AnswerRecord, CitationRecord
from assistant.chat.store import Chat
from assistant.corpus import Paper

PaperLookup = Callable[[list[str]], dict[str, Paper]]


def paper_link(paper: Paper | None, fallback_url: str | None = None) -> str | None:
    if paper and paper.arxiv_id:
        return f"https://arxiv.org/abs/{paper.arxiv_id}"
    return (paper.url if paper else None) or fallback_url


def answer_markdown(answer: AnswerRecord, renumber: dict[int, int] | None = None) -> str:
    """The answer text with `[n]` rewritten through `renumber` (per-answer → document-wide)."""
    return cite.renumber(answer.answer, renumber) if renumber else answer.answer


def answer_with_references(answer: AnswerRecord, lookup: PaperLookup) -> str:
    """One answer and its references: what "copy answer" puts on the clipboard."""
    papers = lookup([c.id for c in answer.citations])
    lines = [answer.answer, ""]
    for c in answer.citations:
        lines.append(_reference_line(c.ref, c, papers.get(c.id)))
    return "\n".join(lines).rstrip() + "\n"


def chat_markdown(chat: Chat, lookup: PaperLookup) -> str:
    order: dict[str, int] = {}  # paper id -> document-wide number
    cited: dict[str, CitationRecord] = {}
    body: list[str] = [f"# {chat.title}", ""]
    for turn in chat.turns:
        body += [f"**Q:** {turn.question}", ""]
        if turn.answer is None:
            body += [f"_({turn.status}: no answer)_", ""]
            continue
        renumber = {}
        for c in turn.answer.citations:
            number = order.setdefault(c.id, len(order) + 1)
            cited.setdefault(c.id, c)
            renumber[c.ref] = number
        query = turn.answer.standalone_query
        if query and query != turn.question:
            body += [f"_Searched for: {query}_", ""]
        body += [answer_markdown(turn.answer, renumber), ""]
    if order:
        papers = lookup(list(order))
        body += ["## References", ""]
        body += [f"- {_reference_line(n, cited[pid], papers.get(pid))}" for pid, n in order.items()]
        body.append("")
    return "\n".join(body)


def _reference_line(number: int, citation: CitationRecord, paper: Paper | None) -> str:
    title = paper.title if paper else citation.title
    authors = ", ".join(paper.authors[:3]) + (" et al." if len(paper.authors) > 3 else "") if paper else ""
    year = (paper.date or "")[:4] if paper else ""
    link = paper_link(paper)
    parts = [f"[{number}] {title}"]
    if authors:
        parts.append(authors)
    if year:
        parts.append(year)
    line = ". ".join(parts) + "."
    return f"{line} <{link}>" if link else line


def bibtex(papers: Iterable[Paper]) -> str:
    entries, keys = [], set()
    for paper in papers:
        key = _unique(_bibkey(paper), keys)
        fields = {"title": "{" + _bib_escape(paper.title) + "}"}
        if paper.authors:
            fields["author"] = _bib_escape(" and ".join(paper.authors))
        if paper.date:
            fields["year"] = paper.date[:4]
        if paper.arxiv_id:
            fields.update(eprint=paper.arxiv_id, archivePrefix="arXiv")
        link = paper_link(paper)
        if link:
            fields["url"] = link
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
        entries.append(f"@misc{{{key},\n{body}\n}}")
    return "\n\n".join(entries) + ("\n" if entries else "")


def export_chat(chat: Chat, directory: Path, lookup: PaperLookup) -> tuple[Path, Path]:
    """Write `chat-<id>-<slug>.md` and `.bib` (the papers it cites) into `directory`."""
    slug = re.sub(r"[^a-z0-9]+", "-", chat.title.lower()).strip("-")[:40] or "chat"
    base = directory / f"chat-{chat.id}-{slug}"
    cited = {c.id for t in chat.turns if t.answer for c in t.answer.citations}
    papers = lookup(sorted(cited))
    directory.mkdir(parents=True, exist_ok=True)
    markdown, bib = base.with_suffix(".md"), base.with_suffix(".bib")
    markdown.write_text(chat_markdown(chat, lookup), encoding="utf-8")
    bib.write_text(bibtex(papers[i] for i in sorted(papers)), encoding="utf-8")
    return markdown, bib


def _bibkey(paper: Paper) -> str:
    surname = paper.authors[0].split()[-1] if paper.authors else "anon"
    year = (paper.date or "")[:4]
    word = next((w for w in re.findall(r"[A-Za-z]+", paper.title) if len(w) > 3), "paper")
    raw = f"{surname}{year}{word}".lower()
    return unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode() or "paper"


def _unique(key: str, taken: set[str]) -> str:
    candidate, n = key, 1
    while candidate in taken:
        n += 1
        candidate = f"{key}{chr(ord('a') + n - 2)}"
    taken.add(candidate)
    return candidate


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", text)
