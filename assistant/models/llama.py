"""Local generation with llama.cpp: one model, one lock, streamed tokens, stderr kept quiet."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import ModelUnavailable
from assistant.models.protocols import GenerationStats


@contextlib.contextmanager
def quiet_stderr():
    """llama.cpp logs to fd 2 even with verbose=False; keep it off the user's terminal."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


class LlamaGenerator:
    """A GGUF model in-process (the `Generator` protocol). Not thread-safe underneath: every
    call holds `self.lock`."""

    def __init__(
        self,
        model_path: Path,
        n_ctx: int = 2048,
        n_threads: int = 2,
        n_gpu_layers: int = 0,
        chat_format: str | None = None,
    ):
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.n_threads = n_threads
        self.n_gpu_layers = n_gpu_layers
        self.chat_format = chat_format
        self.lock = threading.RLock()
        self._llm = None

    @property
    def name(self) -> str:
        return self.model_path.name

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def load(self):
        with self.lock:
            if self._llm is None:
                from llama_cpp import Llama

                try:
                    with quiet_stderr():
                        self._llm = Llama(
                            model_path=str(self.model_path),
                            n_ctx=self.n_ctx,
                            n_threads=self.n_threads,
                            n_threads_batch=self.n_threads,
                            n_gpu_layers=self.n_gpu_layers,
                            chat_format=self.chat_format,
                            verbose=False,
                        )
                except (ValueError, RuntimeError, OSError) as exc:
                    raise ModelUnavailable(f"{self.model_path}: cannot load the model ({exc})") from None
        return self._llm

    def count_tokens(self, text: str) -> int:
        return len(self.load().tokenize(self.as_text(text).encode("utf-8"), add_bos=False, special=True))

    def message_tokens(self, messages: list[dict]) -> int:
        # Template markup adds a few tokens per message; 8 is a safe upper bound for ChatML.
        return sum(self.count_tokens(m["content"]) + 8 for m in messages) + 4

    def as_text(self, content: str) -> str:
        """`content` such that none of it reads as one of the model's control tokens.

        llama-cpp-python renders the chat template and tokenizes the result with special
        tokens on, so an abstract holding "<|im_end|><|im_start|>system ..." would open a real
        system turn. Each control token's text gets a zero-width space after its first
        character: the model reads the same characters as plain text."""
        llm = self.load()
        raw = content.encode("utf-8")
        tokens = llm.tokenize(raw, add_bos=False, special=True)
        if tokens == llm.tokenize(raw, add_bos=False, special=False):
            return content
        for token in set(tokens):
            shown = llm.detokenize([token], special=True)
            if shown and not llm.detokenize([token], special=False):  # rendered only as a special token
                text = shown.decode("utf-8", "replace")
                content = content.replace(text, text[0] + "\u200b" + text[1:])
        return content

    def stream_chat(
        self,
        messages: list[dict],
        max_tokens: int,
        temperature: float = 0.0,
        grammar: str | None = None,
        stats: GenerationStats | None = None,
        stop: list[str] | None = None,
    ) -> Iterator[str]:
        """Yield text pieces as they are decoded. `stats` is filled when the stream ends."""
        with self.lock:
            llm = self.load()
            kwargs = {}
            if grammar:
                from llama_cpp import LlamaGrammar

                with quiet_stderr():
                    kwargs["grammar"] = LlamaGrammar.from_string(grammar, verbose=False)
            with quiet_stderr():
                chunks = llm.create_chat_completion(
                    messages=[{**m, "content": self.as_text(m["content"])} for m in messages],
                    max_tokens=max_tokens,
                    temperature=temperature,
                    repeat_penalty=1.15,
                    stream=True,
                    stop=stop,
                    **kwargs,
                )
                produced = 0
                for chunk in chunks:
                    piece = chunk["choices"][0]["delta"].get("content")
                    if piece:
                        produced += 1
                        yield piece
            if stats is not None:
                stats.completion_tokens = produced
                stats.prompt_tokens = max(0, llm.n_tokens - produced)
