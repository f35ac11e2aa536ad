"""`assistant chat`: the Textual chat over the indexed abstracts.

The UI is up before anything heavy loads: the service (torch, Chroma) and the model load in a
worker thread, and a question asked meanwhile waits visibly. Every question is saved before it
is answered, so nothing typed is lost to a crash, a cancel or a quit.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import traceback
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.widgets import Footer, Input, Label, ListItem, ListView, Markdown

from assistant.answering.record import AnswerRecord
from assistant.chat.export import answer_with_references, export_chat
from assistant.chat.store import ChatStore, ChatStoreError
from assistant.errors import AssistantError, Cancelled
from assistant.paths import Paths
from assistant.retrieval import Filters, Turn, parse_years
from assistant.settings import Settings
from assistant.text import terminal_safe
from assistant.tui.screens import Confirm, HelpScreen, TextPrompt, help_text
from assistant.tui.widgets import PaperPanel, SourceItem, SourcesPanel, StatusBar, TurnView

K_CHOICES = (3, 5, 8, 10)


class ChatItem(ListItem):
    def __init__(self, chat_id: int, title: str) -> None:
        super().__init__(Label(Text(terminal_safe(title))))  # a title is text, not markup
        self.chat_id = chat_id


class ChatApp(App):
    TITLE = "abstracts assistant"
    CSS_PATH = "app.tcss"
    # Each binding has an id: `keymap` in the settings remaps it ({"export_chat" = "f6"}),
    # and the help screen is written from this list with the keys actually in force.
    BINDINGS = [
        Binding("ctrl+n", "new_chat", "New chat", id="new_chat", tooltip="Start an empty chat"),
        Binding("escape", "cancel", "Stop", id="cancel", tooltip="Stop the running answer"),
        Binding("ctrl+r", "rerun", "Re-ask", show=False, id="rerun",
                tooltip="Ask the last unanswered question again"),
        Binding("ctrl+l", "toggle_chats", "Chats", id="toggle_chats",
                tooltip="Show or hide the chat list (Enter opens, Del deletes)"),
        Binding("ctrl+f", "search_chats", "Search chats", show=False, id="search_chats",
                tooltip="Search chats by title, question and answer"),
        Binding("f2", "rename_chat", "Rename", id="rename_chat", tooltip="Rename this chat"),
        Binding("ctrl+s", "toggle_sources", "Sources", id="toggle_sources",
                tooltip="Show or hide the sources panel"),
        Binding("ctrl+y", "copy_answer", "Copy", id="copy_answer",
                tooltip="Copy the last answer with its references"),
        Binding("ctrl+o", "export_chat", "Export", id="export_chat",
                tooltip="Export the chat as Markdown and BibTeX"),
        Binding("f1", "help", "Help", id="help", tooltip="This help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit"),
    ]

    def __init__(self, settings: Settings, paths: Paths, chat_id: int | None = None,
                 export_dir: Path | None = None, assistant=None) -> None:
        """`assistant`: an already-built service to use (tests, embedding the chat elsewhere);
        by default the loading worker builds one from `settings`."""
        super().__init__()
        self.settings = assistant.settings if assistant is not None else settings
        self.paths = paths
        self.store = ChatStore(paths.chats_db)
        self.export_dir = export_dir or Path.cwd()
        self.assistant = assistant  # else set by the loading worker
        self.backend_error: str | None = None
        self.ready = threading.Event()  # the service is built and the model loaded (or failed)
        self.cancel_requested = threading.Event()
        self.answering = False
        self.chat_id = chat_id
        self.state = "starting"
        self.papers_indexed: int | None = None
        self.last_ttft: float | None = None
        self.last_tps: float | None = None
        self.shown_answer: AnswerRecord | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="chats"):
                yield Input(placeholder="search chats", id="chat-search")
                yield ListView(id="chat-list")
            with Vertical(id="conversation"):
                yield VerticalScroll(id="messages")
                yield Input(placeholder="Ask about the abstracts… (F1: help)", id="question")
            with Vertical(id="side"):
                yield SourcesPanel(id="sources")
                yield PaperPanel(id="paper")
        yield StatusBar(id="status")
        yield Footer()

    def on_mount(self) -> None:
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        self.query_one("#messages", VerticalScroll).anchor()
        self.refresh_chat_list()
        if self.chat_id is not None:
            self.open_chat(self.chat_id)
        self.query_one("#question", Input).focus()
        self.set_state("loading")
        self.load_backend()

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        """Notices carry corpus, model and file text (errors, rejected records): plain text by
        default, never markup, and without control sequences."""
        super().notify(terminal_safe(message), title=terminal_safe(title), severity=severity, timeout=timeout,
                       markup=markup)

    # ------------------------------------------------------------------ status
    def set_state(self, state: str) -> None:
        self.state = state
        s, a = self.settings, self.assistant
        spec = a.model_spec if a is not None else s.model
        model = Path(spec).name if spec else "SmolLM2 (bundled)"
        if a is not None and a.model_loaded:
            model = a.generator.name
        k, filters = (a.k, a.filters) if a is not None else (s.k, Filters(s.year_from, s.year_to, s.category))
        self.query_one(StatusBar).render_status(model, self.papers_indexed, state, self.last_ttft,
                                                self.last_tps, k, filters.describe())

    def _state_from_thread(self, state: str) -> None:
        self.call_from_thread(self.set_state, state)

    # ------------------------------------------------------------------ loading
    @work(thread=True, exclusive=True, group="backend")
    def load_backend(self) -> None:
        self.ready.clear()
        self.backend_error = None
        try:
            if self.assistant is None:
                from assistant.service import Assistant

                assistant = Assistant(self.settings, self.paths)
                assistant.ensure_index(lambda p: self._state_from_thread(f"indexing {p.embedded}/{p.to_embed}"))
                self.assistant = assistant
            self.papers_indexed = self.assistant.stats()["papers"]
            self._state_from_thread("loading model")
            self.assistant.load_model()
            self._state_from_thread("ready")
        except AssistantError as error:
            self.backend_error = str(error)
            self.call_from_thread(self.notify, f"{error}. Pick another model with Ctrl+P.",
                                  title="Cannot answer yet", severity="error", timeout=20)
            self._state_from_thread("no model" if self.assistant is not None else "not ready")
        except Exception as error:  # a notice, never a dead app
            self.backend_error = f"{type(error).__name__}: {error}"
            self.log.error(traceback.format_exc())
            self.call_from_thread(self.notify, self.backend_error, title="Loading failed",
                                  severity="error", timeout=20)
            self._state_from_thread("not ready")
        finally:
            self.ready.set()

    # ------------------------------------------------------------------ chats
    def refresh_chat_list(self, search: str | None = None) -> None:
        listing = self.query_one("#chat-list", ListView)
        listing.clear()
        listing.extend(ChatItem(c.id, c.title) for c in self.store.chats(search or None))

    def open_chat(self, chat_id: int | None) -> None:
        if self.answering:
            self.notify("An answer is running: Esc stops it.", severity="warning")
            return
        messages = self.query_one("#messages", VerticalScroll)
        messages.remove_children()
        self.chat_id = chat_id
        self.shown_answer = None
        chat = self.store.chat(chat_id) if chat_id is not None else None
        if chat_id is not None and chat is None:
            self.notify(f"No chat {chat_id}.", severity="warning")
            self.chat_id = None
        if chat is not None:
            messages.mount_all(TurnView(t.question, t.id, t.answer, t.status) for t in chat.turns)
            last = next((t.answer for t in reversed(chat.turns) if t.answer), None)
            self.show_sources(last)
            self.sub_title = terminal_safe(chat.title)
        else:
            self.show_sources(None)
            self.sub_title = ""
        messages.scroll_end(animate=False)

    @on(ListView.Selected, "#chat-list")
    def chat_selected(self, event: ListView.Selected) -> None:
        if isinstance(event.item, ChatItem):
            self.open_chat(event.item.chat_id)
            self.query_one("#question", Input).focus()

    @on(Input.Changed, "#chat-search")
    def chat_search(self, event: Input.Changed) -> None:
        self.refresh_chat_list(event.value.strip())

    def on_key(self, event) -> None:
        listing = self.query_one("#chat-list", ListView)
        if event.key == "delete" and self.focused is listing and isinstance(listing.highlighted_child, ChatItem):
            self.delete_chat(listing.highlighted_child.chat_id)

    def delete_chat(self, chat_id: int) -> None:
        def done(yes: bool | None) -> None:
            if yes:
                self.store.delete(chat_id)
                if chat_id == self.chat_id:
                    self.open_chat(None)
                self.refresh_chat_list()

        self.push_screen(Confirm("Delete this chat? It cannot be undone."), done)

    def action_new_chat(self) -> None:
        self.open_chat(None)
        self.query_one("#question", Input).focus()

    def action_toggle_chats(self) -> None:
        panel = self.query_one("#chats")
        panel.display = not panel.display
        if panel.display:
            self.query_one("#chat-list", ListView).focus()

    def action_search_chats(self) -> None:
        panel = self.query_one("#chats")
        panel.display = True
        self.query_one("#chat-search", Input).focus()

    def action_rename_chat(self) -> None:
        if self.chat_id is None:
            self.notify("Ask a question first: a chat is saved with its first question.")
            return
        chat = self.store.chat(self.chat_id)

        def done(title: str | None) -> None:
            if title:
                try:
                    self.store.rename(self.chat_id, title)
                except ChatStoreError as error:
                    self.notify(str(error), severity="error")
                    return
                self.sub_title = terminal_safe(title)
                self.refresh_chat_list()

        self.push_screen(TextPrompt("Rename chat", terminal_safe(chat.title) if chat else ""), done)

    # ------------------------------------------------------------------ asking
    @on(Input.Submitted, "#question")
    async def question_submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        if self.answering:
            self.notify("An answer is running: Esc stops it.", severity="warning")
            return
        event.input.clear()
        await self.ask(question)

    async def ask(self, question: str, query: str | None = None) -> None:
        if self.chat_id is None:
            self.chat_id = self.store.create_chat().id
        history = self.store.history(self.chat_id)
        turn = self.store.add_question(self.chat_id, question)  # saved before anything can fail
        view = TurnView(question, turn.id)
        messages = self.query_one("#messages", VerticalScroll)
        await messages.mount(view)
        messages.scroll_end(animate=False)
        self.refresh_chat_list()
        self.sub_title = terminal_safe(self.store.chat(self.chat_id).title)
        self.start_answer(view, history, query)

    def start_answer(self, view: TurnView, history: list[Turn], query: str | None) -> None:
        # The stop flag is reset here, on the UI thread, before Esc can mean "stop this answer":
        # reset by the worker instead, an Esc pressed before its thread got going was wiped out
        # and the answer ran to the end.
        self.cancel_requested.clear()
        self.answering = True
        self.answer_turn(view, history, query)

    @work(thread=True, exclusive=True, group="answer")
    def answer_turn(self, view: TurnView, history: list[Turn], query: str | None) -> None:
        try:
            if not self.ready.is_set():
                self.call_from_thread(view.show_note, f"Waiting for the assistant ({self.state})…")
                self.ready.wait()
            if self.assistant is None or self.backend_error:
                raise AssistantError(self.backend_error or "the assistant is not ready")
            self._state_from_thread("answering")
            self.call_from_thread(view.show_note, "Searching…")

            def retrieved(used: str, hits) -> None:
                if self.cancel_requested.is_set():
                    raise Cancelled("stopped")
                self.call_from_thread(view.show_query, used)
                self.call_from_thread(self.query_one(SourcesPanel).show, None, hits)
                self.call_from_thread(view.show_note, "Writing… (Esc stops)")

            def token(piece: str) -> None:
                if self.cancel_requested.is_set():
                    raise Cancelled("stopped")
                self.call_from_thread(view.append_draft, piece)

            answer = self.assistant.ask(view.question, history=history, on_token=token,
                                        on_retrieved=retrieved, query=query).record()
            self.store.finish(view.turn_id, answer)
            timings = answer.timings
            self.last_ttft = timings.ttft_s if timings.ttft_s is not None else self.last_ttft
            self.last_tps = timings.tokens_per_s or self.last_tps
            self.call_from_thread(self.finish_turn, view, answer)
        except Cancelled:
            self.store.mark(view.turn_id, "cancelled")
            self.call_from_thread(self.end_draft, view, "Stopped. Ctrl+R asks again.")
        except AssistantError as error:
            self.store.mark(view.turn_id, "error", str(error))
            self.call_from_thread(self.end_draft, view, f"Not answered: {error}. Ctrl+R asks again.")
            self.call_from_thread(self.notify, str(error), severity="error", timeout=15)
        except Exception as error:
            self.store.mark(view.turn_id, "error", repr(error))
            self.log.error(traceback.format_exc())
            self.call_from_thread(self.end_draft, view, f"Not answered: {type(error).__name__}: {error}")
            self.call_from_thread(self.notify, f"{type(error).__name__}: {error}", severity="error")
        finally:
            self.answering = False
            self._state_from_thread("ready" if not self.backend_error else "not ready")

    async def finish_turn(self, view: TurnView, answer: AnswerRecord) -> None:
        await view.stop_draft()
        view.show_answer(answer)
        self.show_sources(answer)

    async def end_draft(self, view: TurnView, note: str) -> None:
        await view.stop_draft()
        view.show_note(note)

    def action_cancel(self) -> None:
        if self.answering:
            self.cancel_requested.set()
            self.notify("Stopping…")

    async def action_rerun(self) -> None:
        if self.answering or self.chat_id is None:
            return
        views = [v for v in self.query(TurnView) if v.status != "done"]
        if not views:
            self.notify("Every question in this chat has an answer.")
            return
        view = views[-1]
        self.store.mark(view.turn_id, "pending")
        view.status = "pending"
        view.show_note("")
        self.start_answer(view, self.store.history(self.chat_id, before=view.turn_id), None)

    @on(TurnView.QueryClicked)
    def edit_query(self, event: TurnView.QueryClicked) -> None:
        view = event.turn
        current = (view.answer.standalone_query if view.answer else None) or view.question

        async def done(query: str | None) -> None:
            if query and not self.answering:
                await self.ask(view.question, query=query)

        self.push_screen(TextPrompt("Search for (Enter asks again with this search)", terminal_safe(current)), done)

    # ------------------------------------------------------------------ sources and papers
    def show_sources(self, answer: AnswerRecord | None) -> None:
        """The answer's sources, and its first cited paper opened: the evidence at a glance."""
        self.shown_answer = answer
        self.query_one(SourcesPanel).show(answer)
        if answer and answer.citations:
            self.open_reference(answer, answer.citations[0].ref)
        else:
            self.query_one(PaperPanel).show_nothing()

    @on(Markdown.LinkClicked)
    def citation_clicked(self, event: Markdown.LinkClicked) -> None:
        match = re.fullmatch(r"cite:(\d+)", event.href)
        if not match:
            return
        event.stop()
        view = next((a for a in event.markdown.ancestors if isinstance(a, TurnView)), None)
        if view is None or view.answer is None:
            return
        self.query_one("#side").display = True
        self.show_sources(view.answer)
        self.open_reference(view.answer, int(match.group(1)))

    @on(ListView.Selected, "#sources-list")
    def source_selected(self, event: ListView.Selected) -> None:
        item = event.item
        if not isinstance(item, SourceItem):
            return
        if item.ref is not None and self.shown_answer:
            self.open_reference(self.shown_answer, item.ref)
        else:
            self.open_paper(item.paper_id, None, "")

    def open_reference(self, answer: AnswerRecord, ref: int) -> None:
        citation, source = answer.citation(ref), answer.source(ref)
        if citation is not None:
            self.open_paper(citation.id, citation.evidence, citation.title)
        elif source is not None:
            self.open_paper(source.id, source.evidence[0] if source.evidence else None, source.title)

    def open_paper(self, paper_id: str, evidence: str | None, title: str) -> None:
        if self.assistant is None:
            return  # still loading: the panel fills in when the chat is next shown
        paper = self.assistant.papers([paper_id]).get(paper_id)
        self.query_one(PaperPanel).show(paper, evidence, title)

    def action_toggle_sources(self) -> None:
        side = self.query_one("#side")
        side.display = not side.display

    # ------------------------------------------------------------------ copy and export
    def _lookup(self, ids: list[str]) -> dict:
        return self.assistant.papers(ids) if self.assistant is not None else {}

    def action_copy_answer(self) -> None:
        answered = [v for v in self.query(TurnView) if v.answer]
        if not answered:
            self.notify("No answer to copy yet.")
            return
        text = answer_with_references(answered[-1].answer, self._lookup)
        self.copy_to_clipboard(terminal_safe(text))  # it may be pasted into a terminal next
        self.notify("Answer and references copied.")

    def action_export_chat(self) -> None:
        chat = self.store.chat(self.chat_id) if self.chat_id is not None else None
        if chat is None or not chat.turns:
            self.notify("Nothing to export yet.")
            return
        try:
            markdown, bib = export_chat(chat, self.export_dir, self._lookup)
        except OSError as error:
            self.notify(f"Export failed: {error}", severity="error")
            return
        self.notify(f"Exported to {markdown} and {bib.name}", timeout=10)

    # ------------------------------------------------------------------ palette
    def get_system_commands(self, screen):
        yield from super().get_system_commands(screen)
        yield SystemCommand("New chat", "Start an empty chat", self.action_new_chat)
        yield SystemCommand("Toggle sources panel", "Show or hide sources and papers", self.action_toggle_sources)
        yield SystemCommand("Export chat", "Markdown with references, and BibTeX", self.action_export_chat)
        for k in K_CHOICES:
            yield SystemCommand(f"Set k = {k}", f"Retrieve {k} abstracts per question", lambda k=k: self.set_k(k))
        if self.assistant is not None:
            for model in self.assistant.models():
                yield SystemCommand(escape(f"Switch model: {terminal_safe(model.name)}"), f"{model.origin}, {model.size_bytes / 2**20:.0f} MiB",
                                    lambda spec=str(model.path): self.switch_model(spec))
        yield SystemCommand("Filter by years…", "Only papers from a year range, e.g. 2023-2024",
                            self.prompt_years)
        yield SystemCommand("Filter by category…", "Only papers in an arXiv category or archive (cs.CL, cs)",
                            self.prompt_category)
        yield SystemCommand("Clear filters", "Retrieve from every indexed paper", self.clear_filters)
        yield SystemCommand("Switch model from a path…", "Any GGUF file", self.prompt_model_path)
        yield SystemCommand("Index a file or folder…", "Add abstracts (Daily Papers, JSONL, CSV, arXiv)",
                            self.prompt_index_path)
        yield SystemCommand("Help", "Keys and how citations work", self.action_help)

    def _loaded(self) -> bool:
        if self.assistant is None:
            self.notify("Still loading; try again in a moment.")
        return self.assistant is not None

    def set_k(self, k: int) -> None:
        if self._loaded():
            self.assistant.set_k(k)
            self.set_state(self.state)
            self.notify(f"Retrieving {k} abstracts per question.")

    def prompt_years(self) -> None:
        def done(value: str | None) -> None:
            if not value or not self._loaded():
                return
            try:
                start, end = parse_years(value)
            except AssistantError as error:
                self.notify(str(error), severity="warning")
                return
            self.set_filters(dataclasses.replace(self.assistant.filters, year_from=start, year_to=end))

        self.push_screen(TextPrompt("Years (2023-2024, 2023-, -2024 or 2024)", "", "2023-2024"), done)

    def prompt_category(self) -> None:
        def done(value: str | None) -> None:
            if value and self._loaded():
                self.set_filters(dataclasses.replace(self.assistant.filters, category=value))

        current = self.assistant.filters.category if self.assistant else None
        self.push_screen(TextPrompt("arXiv category or archive", current or "", "cs.CL"), done)

    def clear_filters(self) -> None:
        if self._loaded():
            self.set_filters(Filters())

    def set_filters(self, filters: Filters) -> None:
        self.assistant.set_filters(filters)
        described = filters.describe()
        self.notify(f"Retrieving only: {described}." if described else "No filters: every paper.")
        self.set_state(self.state)

    def switch_model(self, spec: str) -> None:
        if self.answering:
            self.notify("An answer is running: Esc stops it first.", severity="warning")
            return
        if not self._loaded():
            return
        try:
            self.assistant.use_model(spec)
        except AssistantError as error:
            self.notify(str(error), severity="error")
            return
        self.last_ttft = self.last_tps = None
        self.set_state("loading model")
        self.load_backend()

    def prompt_model_path(self) -> None:
        self.push_screen(TextPrompt("Model: a GGUF path or a name in the models dir", "",
                                    str(self.paths.models_dir)), lambda v: v and self.switch_model(v))

    def prompt_index_path(self) -> None:
        self.push_screen(TextPrompt("Index this file or folder", "", "~/papers/arxiv.jsonl"),
                         lambda v: v and self.index_path(v))

    @work(thread=True, exclusive=True, group="index")
    def index_path(self, raw: str) -> None:
        if self.assistant is None:
            self.call_from_thread(self.notify, "Still loading; try again in a moment.")
            return
        try:
            corpus = self.assistant.load([Path(raw).expanduser()])
            had_demo = self.assistant.holds_demo()
            report = self.assistant.ingest(corpus, lambda p: self._state_from_thread(f"indexing {p.embedded}/{p.to_embed}"))
            replaced_demo = had_demo and not self.assistant.holds_demo()
        except AssistantError as error:
            self.call_from_thread(self.notify, str(error), title="Not indexed", severity="error", timeout=20)
        else:
            self.papers_indexed = self.assistant.stats()["papers"]
            summary = report.summary()
            if replaced_demo:
                summary += "; the bundled demo papers were removed"
            if corpus.rejected:
                summary += f"; first rejected: {corpus.rejected[0]}"
            self.call_from_thread(self.notify, summary, title="Indexed", timeout=15)
        finally:
            self._state_from_thread("ready" if not self.backend_error else self.state)

    def action_help(self) -> None:
        self.push_screen(HelpScreen(help_text(self.BINDINGS, self.settings.keymap)))

    def on_unmount(self) -> None:
        self.store.close()
