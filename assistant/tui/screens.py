"""Modal screens: a one-line prompt, a yes/no question, the help page."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Markdown, Static

INTRO = """\
# Abstracts assistant

Ask about the indexed abstracts. Answers cite their sources as **[n]**: click one (or pick it
in the sources panel and press Enter) to read the paper with the supporting sentence marked.
A question that the abstracts cannot answer is refused, and the closest papers are listed.

- **Enter**: ask the question
- **Ctrl+P**: command palette: model, k, filters, index a folder, theme
"""

OUTRO = """
Follow-up questions use the conversation: the search actually run is shown above each answer;
click it to edit it and ask again.

Any key can be changed in the config file by its id (after each key above), e.g.
`keymap = {export_chat = "f6"}`.
"""


def key_label(key: str) -> str:
    """"ctrl+n" -> "Ctrl+N", "escape" -> "Esc", "f1" -> "F1"."""
    names = {"escape": "Esc", "delete": "Del", "enter": "Enter"}
    return "+".join(names.get(part, part.capitalize() if len(part) > 1 else part.upper())
                    for part in key.strip().split("+"))


def help_text(bindings: list[Binding], keymap: dict[str, str]) -> str:
    """The help page from the app's bindings, with the keys in force after `keymap`."""
    lines = []
    for binding in bindings:
        keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
        shown = ", ".join(key_label(key) for key in keys.split(","))
        lines.append(f"- **{shown}**: {binding.tooltip or binding.description} (`{binding.id}`)")
    return INTRO + "\n".join(lines) + "\n" + OUTRO


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

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Markdown(self.text)
