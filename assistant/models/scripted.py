"""A generator that plays back canned replies: answering logic tested in milliseconds.

As simonw/llm's mock model does, it records every prompt it was given and answers from a
script: a fixed reply, a reply per prompt (the first key found in the last user message), or a
function of the messages. Tokens are the reply's words, streamed one by one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator, Mapping

from assistant.models.protocols import GenerationStats

Script = str | Mapping[str, str] | Callable[[list[dict]], str]
_PIECE = re.compile(r"\s*\S+")
_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Words and punctuation marks: a stand-in for a real tokenizer, stable across runs."""
    return len(_TOKEN.findall(text))


class ScriptedGenerator:
    def __init__(self, script: Script = "", n_ctx: int = 2048, name: str = "scripted"):
        self.script = script
        self.n_ctx = n_ctx
        self._name = name
        self.lock = threading.RLock()
        self.prompts: list[list[dict]] = []  # every conversation it was asked to continue

    @property
    def name(self) -> str:
        return self._name

    @property
    def loaded(self) -> bool:
        return True

    def load(self) -> None:
        return None

    def reply_to(self, messages: list[dict]) -> str:
        if callable(self.script):
            return self.script(messages)
        if isinstance(self.script, str):
            return self.script
        prompt = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        return next((reply for key, reply in self.script.items() if key in prompt), "")

    def message_tokens(self, messages: list[dict]) -> int:
        return sum(count_tokens(m["content"]) + 8 for m in messages) + 4

    def stream_chat(self, messages: list[dict], max_tokens: int, temperature: float = 0.0,
                    grammar: str | None = None, stats: GenerationStats | None = None,
                    stop: list[str] | None = None) -> Iterator[str]:
        with self.lock:
            self.prompts.append(messages)
            pieces = _PIECE.findall(self.reply_to(messages))[:max_tokens]
            for piece in pieces:
                yield piece
            if stats is not None:
                stats.prompt_tokens = self.message_tokens(messages)
                stats.completion_tokens = len(pieces)
