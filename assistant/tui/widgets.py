"""The chat's parts: a turn (question, searched-for line, streamed answer), the sources list,
the paper panel with its evidence highlighted, the status bar."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Label, ListItem, ListView, Markdown, Static

from assistant.answering import citations as cite
from assistant.answering.record import AnswerRecord
from assistant.answering.result import REASON_WORDS
from assistant.chat.export import paper_link
from assistant.corpus import Paper
from assistant.text import terminal_safe


def linked_citations(text: str) -> str:
    """Each cited number as a Markdown link the chat can catch: clicking it opens paper n.
    "[1, 3]" becomes two links. Model text: its control sequences are removed."""
    return cite.rewrite(terminal_safe(text), lambda refs: "".join(f"[\\[{r}\\]](cite:{r})" for r in refs))


class TurnView(Vertical):
    """One question and its answer. The raw model stream is shown as a draft while it runs;
    the verified answer (unsupported sentences dropped, citations checked) replaces it."""

    class QueryClicked(Message):
        def __init__(self, turn: TurnView) -> None:
            super().__init__()
            self.turn = turn

    def __init__(self, question: str, turn_id: int | None = None, answer: AnswerRecord | None = None,
                 status: str = "pending") -> None:
        super().__init__(classes="turn")
        self.question = question
        self.turn_id = turn_id
        self.answer = answer
        self.status = status
        self.draft = ""
        self._stream = None

    def compose(self) -> ComposeResult:
        yield Static(Text(terminal_safe(self.question)), classes="question")
        yield Static("", classes="query")
        yield Markdown("", classes="answer", open_links=False)
        yield Static("", classes="meta")

    def on_mount(self) -> None:
        if self.answer is not None:
            self.show_answer(self.answer)
        elif self.status in ("cancelled", "error", "pending"):
            self.show_note(f"Not answered ({self.status}). Ctrl+R asks again.")

    @property
    def markdown(self) -> Markdown:
        return self.query_one(".answer", Markdown)

    def show_query(self, query: str) -> None:
        label = self.query_one(".query", Static)
        if query and query != self.question:
            label.update(Text.assemble(("searched for: ", "dim"), (terminal_safe(query), "italic"),
                                       ("  (click to edit)", "dim")))
        else:
            label.update(Text("(click to edit the search)", style="dim"))

    def on_click(self, event) -> None:
        if event.widget is self.query_one(".query", Static):
            self.post_message(self.QueryClicked(self))

    async def append_draft(self, piece: str) -> None:
        """The model's raw words as they come, dimmed: not yet checked against the sources."""
        if self._stream is None:
            self.markdown.add_class("draft")
            self._stream = Markdown.get_stream(self.markdown)
        piece = terminal_safe(piece)  # a sequence split across pieces loses its ESC in the first
        self.draft += piece
        await self._stream.write(piece)

    async def stop_draft(self) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.markdown.remove_class("draft")
        if self.answer is None and self.draft:
            # Kept visible but marked: the checks never ran on this text.
            await self.markdown.update(self.draft + "\n\n*(stopped before it was checked)*")

    def show_note(self, note: str) -> None:
        self.query_one(".meta", Static).update(Text(terminal_safe(note), style="dim"))

    def show_answer(self, answer: AnswerRecord) -> None:
        self.answer = answer
        self.status = "done"
        self.show_query(answer.standalone_query or "")
        self.markdown.update(linked_citations(answer.answer))
        self.set_class(answer.refused, "refused")
        timings = answer.timings
        notes = []
        if answer.refused and answer.refusal_reason:
            notes.append(f"refused: {REASON_WORDS.get(answer.refusal_reason, answer.refusal_reason)}")
        if timings.ttft_s is not None:
            notes.append(f"first token {timings.ttft_s:.1f} s")
        notes.append(f"total {timings.total_s:.1f} s")
        dropped = len(answer.unsupported_sentences)
        if dropped:
            notes.append(f"{dropped} unsupported sentence{'s' * (dropped > 1)} dropped")
        if answer.extractive:
            notes.append("quoted from the abstracts")
        if answer.cut_off:
            notes.append("cut off: the model server stopped mid-answer")
        self.show_note(" · ".join(notes))


class SourceItem(ListItem):
    def __init__(self, ref: int | None, paper_id: str, title: str, score: float, cited: bool) -> None:
        label = Text()
        label.append(f"[{ref}] " if ref is not None else "• ", style="bold" if cited else "")
        label.append(terminal_safe(title))
        label.append(f"  {score:.2f}", style="dim")
        super().__init__(Label(label))
        self.ref = ref
        self.paper_id = paper_id
        self.set_class(cited, "cited")


class SourcesPanel(Vertical):
    """What the answer drew on: the numbered sources, or the near misses of a refusal."""

    def compose(self) -> ComposeResult:
        yield Static("Sources", classes="panel-title", id="sources-title")
        yield ListView(id="sources-list")

    def show(self, answer: AnswerRecord | None, hits: list | None = None) -> None:
        title = self.query_one("#sources-title", Static)
        items: list[SourceItem] = []
        if answer is not None and answer.refused:
            title.update("Closest papers (too weak to answer)")
            items = [SourceItem(None, m.id, m.title, m.score, False) for m in answer.near_misses]
        elif answer is not None:
            title.update("Sources")
            cited = {c.ref for c in answer.citations}
            items = [SourceItem(s.ref, s.id, s.title, s.score, s.ref in cited) for s in answer.sources]
        elif hits is not None:
            title.update("Retrieved")
            items = [SourceItem(None, h.paper.id, h.paper.title, h.score, False) for h in hits]
        listing = self.query_one(ListView)
        listing.clear()
        listing.extend(items)
        if items:  # a cursor on the first source, so Enter works as soon as the list has focus
            listing.call_after_refresh(setattr, listing, "index", 0)


class PaperPanel(VerticalScroll):
    """A paper's record and whole abstract, the sentence that supports the citation marked."""

    def compose(self) -> ComposeResult:
        yield Static("", id="paper-body")

    def show_nothing(self) -> None:
        self.query_one("#paper-body", Static).update(Text("Select a source to read its abstract.", style="dim"))

    def show(self, paper: Paper | None, evidence: str | None = None, fallback_title: str = "") -> None:
        body = Text()
        if paper is None:
            body.append(terminal_safe(fallback_title) + "\n", style="bold")
            body.append("This paper is no longer in the index.", style="dim")
        else:
            body.append(terminal_safe(paper.title) + "\n", style="bold")
            meta = [", ".join(paper.authors[:6]) + (" et al." if len(paper.authors) > 6 else ""),
                    paper.date or "", " ".join(paper.categories), paper_link(paper) or ""]
            for line in filter(None, meta):
                body.append(terminal_safe(line) + "\n", style="dim")
            body.append("\n")
            start = paper.abstract.find(evidence) if evidence else -1
            # Found in the stored text, each part cleaned for the screen on its own.
            if start >= 0:
                body.append(terminal_safe(paper.abstract[:start]))
                body.append(terminal_safe(evidence), style="bold reverse")
                body.append(terminal_safe(paper.abstract[start + len(evidence):]))
            else:
                body.append(terminal_safe(paper.abstract))
        self.query_one("#paper-body", Static).update(body)
        self.scroll_home(animate=False)


class StatusBar(Static):
    def render_status(self, model: str, papers: int | None, state: str, ttft: float | None,
                      tokens_per_s: float | None, k: int, filters: str = "") -> None:
        parts = [state, f"model {model}", f"{papers} papers" if papers is not None else "index …", f"k={k}"]
        if filters:
            parts.append(f"only {filters}")
        if ttft is not None:
            parts.append(f"first token {ttft:.1f} s")
        if tokens_per_s:
            parts.append(f"{tokens_per_s:.0f} tok/s")
        self.update(Text(terminal_safe(" │ ".join(parts))))  # a model's file name: no markup
