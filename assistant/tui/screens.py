"""Modal screens: a one-line prompt, a yes/no question, the help page."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Markdown, Static

HELP = """\
# Abstracts assistant

Ask about the indexed abstracts. Answers cite their sources as **[n]**: click one (or pick it
in the sources panel and press Enter) to read the paper with the supporting sentence marked.
A question that the abstracts cannot answer is refused, and the closest papers are listed.

- **Enter**: ask the question
- **Esc**: stop the running answer
- **Ctrl+N**: new chat
- **Ctrl+R**: ask the last unanswered question again
- **Ctrl+L**: show/hide the chat list (Enter opens, Del deletes)
- **Ctrl+F**: search chats
- **F2**: rename this chat
- **Ctrl+S**: show/hide the sources panel
- **Ctrl+Y**: copy the last answer with its references
- **Ctrl+O**: export the chat as Markdown and BibTeX
- **Ctrl+P**: command palette: model, k, index a folder, theme
- **F1**: this help
- **Ctrl+Q**: quit

Follow-up questions use the conversation: the search actually run is shown above each answer;
click it to edit it and ask again.
"""


class TextPrompt(ModalScreen[str | None]):
    """One line of input; dismisses with the text, or None on Esc."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, title: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.prompt_title = title
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.prompt_title, classes="dialog-title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input", select_on_focus=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()  # the old text selected: typing replaces it

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)


class Confirm(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-title")
            yield Static("y: yes   n: no", classes="dim")


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss(None)", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Markdown(HELP)
