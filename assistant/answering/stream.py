"""Running the generator: streamed tokens, time to first token, and prompts that always fit."""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import closing

from assistant.answering.prompts import render
from assistant.errors import StreamCutOff
from assistant.models import GenerationStats, Generator

TokenFn = Callable[[str], None]


class Stream:
    """Runs the model, forwards tokens, records time to first token."""

    def __init__(self, generator: Generator, started: float, on_token: TokenFn | None):
        self.generator = generator
        self.started = started
        self.on_token = on_token
        self.ttft: float | None = None
        self.decode_s: float | None = None
        self.stats = GenerationStats()
        self.cut_off: str | None = None  # why the stream stopped early, if it did

    def run(self, messages: list[dict], max_tokens: int, temperature: float, grammar: str | None) -> str:
        pieces = []
        # closing(): a consumer that cancels (on_token raises) must release the model lock
        # now, not whenever the abandoned generator is collected.
        try:
            with closing(self.generator.stream_chat(
                messages, max_tokens, temperature, grammar=grammar, stats=self.stats
            )) as stream:
                for piece in stream:
                    if self.ttft is None:
                        self.ttft = time.perf_counter() - self.started
                    pieces.append(piece)
                    if self.on_token:
                        self.on_token(piece)
        except StreamCutOff as cut:
            # A model server broke off mid-answer: what came is verified like any answer and
            # the answer is marked cut off, rather than lost.
            self.cut_off = str(cut)
            self.stats.completion_tokens = len(pieces)
        if self.ttft is not None:
            self.decode_s = time.perf_counter() - self.started - self.ttft
        return "".join(pieces)

    def fill(self, timings) -> None:
        timings.ttft_s = self.ttft
        timings.prompt_tokens = self.stats.prompt_tokens
        timings.completion_tokens = self.stats.completion_tokens
        timings.decode_s = self.decode_s
        timings.cut_off = self.cut_off


def messages_for(system: str, blocks: list[str], question: str) -> list[dict]:
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": render("answer", sources="\n".join(blocks), question=question)},
    ]


def fit_sources(generator: Generator, system: str, blocks: list[str], question: str, budget: int) -> list[str]:
    """Drop the lowest-ranked sources until the prompt fits the context (never overflow)."""
    blocks = list(blocks)
    while blocks:
        if generator.message_tokens(messages_for(system, blocks, question)) <= budget:
            return blocks
        if len(blocks) == 1:
            # One source alone too long: cut its text by words until it fits.
            words = blocks[0].split()
            blocks[0] = " ".join(words[: int(len(words) * 0.8)])
            if len(words) < 20:
                return []
        else:
            blocks.pop()
    return blocks


def prompt_budget(generator: Generator, max_tokens: int) -> int:
    """Tokens the prompt may take: the context less the answer and a margin."""
    return generator.n_ctx - max_tokens - 16
