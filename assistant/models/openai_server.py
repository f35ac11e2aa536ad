"""A model behind an OpenAI-compatible server (llama.cpp's `llama-server`, `python -m
llama_cpp.server`, vLLM): the `Generator` protocol over HTTP, streamed as Server-Sent Events.

It speaks plain HTTP with httpx rather than through the `openai` package: four endpoints are all
it needs, and the runtime stays small. Every failure is a `ModelUnavailable` with one line naming
the server; a stream that breaks after it has started raises `StreamCutOff`, which the answering
stage turns into an answer marked cut off.
"""

from __future__ import annotations

import json
import math
import re
import threading
from collections.abc import Iterator

import httpx

from assistant.errors import ModelUnavailable, StreamCutOff
from assistant.models.protocols import GenerationStats

# The in-process model decodes with this penalty; sent so that a llama.cpp server decodes the
# same way (its own default is 1.1). vLLM ignores the field: its `repetition_penalty` differs.
REPEAT_PENALTY = 1.15
CONNECT_TIMEOUT_S = 5.0
# Without a tokenize endpoint, tokens are estimated from UTF-8 bytes. BPE vocabularies of the
# models in use average ~4 bytes per token on English prose; 3 leaves a margin so that a prompt
# fitted to the context by this estimate does not overflow it.
BYTES_PER_TOKEN_ESTIMATE = 3
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def _printable(text: str, limit: int = 200) -> str:
    """A server's words in our one-line errors: no control sequences, no multi-line pages."""
    text = " ".join(_CONTROL.sub(" ", text).split())
    return text if len(text) <= limit else text[:limit] + "..."


class OpenAIServerGenerator:
    """A chat model on an OpenAI-compatible server. One request at a time (`lock`), as with the
    in-process model: the same queue, the same cancellation, and a llama.cpp server decodes one
    sequence at a time anyway."""

    def __init__(self, url: str, api_key: str | None = None, model: str | None = None,
                 n_ctx: int = 2048, timeout: float = 60.0):
        self.url = url.rstrip("/")
        self.n_ctx = n_ctx
        self.timeout = timeout
        self.lock = threading.RLock()
        self._model = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(
            headers=headers, timeout=httpx.Timeout(timeout, connect=min(CONNECT_TIMEOUT_S, timeout)),
            trust_env=False,  # only the server the user named: no proxy from the environment
        )
        self._loaded = False
        self._tokenize: tuple[str, dict] | None = None  # endpoint and body template, if any
        self._empty_tokens = 0  # what the endpoint counts for "" (a BOS token, say)
        self._counts: dict[str, int] = {}  # the system prompt is counted once, not per call

    @property
    def name(self) -> str:
        return self._model or self.url

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def counts_exactly(self) -> bool:
        """True when the server tokenizes for us; False when tokens are estimated."""
        self.load()
        return self._tokenize is not None

    # ------------------------------------------------------------------ HTTP
    def _request(self, method: str, path: str, **kwargs) -> httpx.Response:
        try:
            return self._client.request(method, self.url + path, **kwargs)
        except httpx.TimeoutException:
            raise ModelUnavailable(f"the model server at {self.url} did not answer within {self.timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise ModelUnavailable(f"cannot reach the model server at {self.url} ({_printable(str(exc) or type(exc).__name__)})") from None

    def _check(self, response: httpx.Response, path: str) -> None:
        if response.is_success:
            return
        code = response.status_code
        if code in (401, 403):
            raise ModelUnavailable(f"the model server at {self.url} refused the request (HTTP {code}): "
                                   "check ASSISTANT_LLM_API_KEY")
        if code == 404:
            raise ModelUnavailable(f"{self.url}{path} not found (HTTP 404): the URL must be the server's "
                                   "OpenAI base URL, usually ending in /v1")
        raise ModelUnavailable(f"the model server at {self.url} answered HTTP {code}: {_printable(_error_text(response))}")

    def _json(self, response: httpx.Response, path: str):
        try:
            return response.json()
        except ValueError:
            raise ModelUnavailable(f"{self.url}{path} did not answer with JSON: not an OpenAI-compatible server?") from None

    # ------------------------------------------------------------------ the protocol
    def load(self) -> None:
        """Ask the server which model it serves (unless one was given), and how it tokenizes."""
        if self._loaded:  # no lock: prompt fitting must not wait for another answer's stream
            return
        with self.lock:
            if self._loaded:
                return
            response = self._request("GET", "/models")
            self._check(response, "/models")
            data = self._json(response, "/models")
            ids = [m.get("id") for m in data.get("data", []) if isinstance(m, dict)] if isinstance(data, dict) else []
            ids = [i for i in ids if isinstance(i, str)]
            if not ids:
                raise ModelUnavailable(f"{self.url}/models lists no model: not an OpenAI-compatible server?")
            if self._model is None:
                self._model = ids[0]
            self._tokenize = self._find_tokenizer()
            self._loaded = True

    def _find_tokenizer(self) -> tuple[str, dict] | None:
        """Each server family has its own tokenize endpoint, beside /v1 rather than under it:
        llama_cpp.server `/extras/tokenize/count` {"input"} -> {"count"}; llama.cpp's
        llama-server `/tokenize` {"content"} -> {"tokens"}; vLLM `/tokenize` {"model",
        "prompt"} -> {"count", "tokens"}. The first that answers is used for exact counts."""
        root = self.url.removesuffix("/v1")
        for path, body in ((root + "/extras/tokenize/count", {"input": None}),
                           (root + "/tokenize", {"content": None, "prompt": None, "model": self._model})):
            try:
                count = self._remote_count(path, body, "")
            except (httpx.HTTPError, ValueError, KeyError, TypeError):
                continue
            if count is not None:
                self._empty_tokens = count
                return path, body
        return None

    def _remote_count(self, path: str, template: dict, text: str) -> int | None:
        body = {k: (text if v is None else v) for k, v in template.items()}
        response = self._client.post(path, json=body)
        if not response.is_success:
            return None
        data = response.json()
        count = data["count"] if "count" in data else len(data["tokens"])
        return int(count)

    def count_tokens(self, text: str) -> int:
        if text in self._counts:
            return self._counts[text]
        self.load()
        count = None
        if self._tokenize is not None:
            path, template = self._tokenize
            try:
                count = self._remote_count(path, template, text)
            except httpx.TimeoutException:
                raise ModelUnavailable(f"the model server at {self.url} did not answer within {self.timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise ModelUnavailable(f"cannot reach the model server at {self.url} ({_printable(str(exc))})") from None
            except (ValueError, KeyError, TypeError):
                count = None
            if count is not None:
                count = max(0, count - self._empty_tokens)
        if count is None:
            count = math.ceil(len(text.encode("utf-8")) / BYTES_PER_TOKEN_ESTIMATE)
        if len(self._counts) > 256:
            self._counts.clear()
        self._counts[text] = count
        return count

    def message_tokens(self, messages: list[dict]) -> int:
        # Template markup adds a few tokens per message; 8 is a safe upper bound for ChatML
        # (the same allowance as the in-process model, so both fit prompts alike).
        return sum(self.count_tokens(m["content"]) + 8 for m in messages) + 4

    def stream_chat(
        self,
        messages: list[dict],
        max_tokens: int,
        temperature: float = 0.0,
        grammar: str | None = None,
        stats: GenerationStats | None = None,
        stop: list[str] | None = None,
    ) -> Iterator[str]:
        """Yield text pieces as the server streams them. A stream that breaks before the first
        piece is `ModelUnavailable`; after it, `StreamCutOff` (the pieces already yielded stand)."""
        with self.lock:
            self.load()
            body: dict = {"model": self._model, "messages": messages, "max_tokens": max_tokens,
                          "temperature": temperature, "stream": True, "repeat_penalty": REPEAT_PENALTY}
            if stop:
                body["stop"] = stop
            if grammar:
                body["grammar"] = grammar  # llama.cpp servers; others ignore it (and are verified anyway)
            produced = 0
            prompt_tokens = None
            finished = False
            try:
                with self._client.stream("POST", self.url + "/chat/completions", json=body) as response:
                    if not response.is_success:
                        response.read()
                        self._check(response, "/chat/completions")
                    for data in _sse_data(response.iter_lines()):
                        if data == "[DONE]":
                            finished = True
                            break
                        try:
                            chunk = _parse_chunk(data, self.url)
                        except ModelUnavailable as exc:  # an error event in the middle
                            if produced:
                                raise StreamCutOff(str(exc)) from None
                            raise
                        usage = chunk.get("usage")
                        if isinstance(usage, dict) and isinstance(usage.get("prompt_tokens"), int):
                            prompt_tokens = usage["prompt_tokens"]
                        for choice in chunk.get("choices") or []:
                            piece = (choice.get("delta") or {}).get("content")
                            if piece:
                                produced += 1
                                yield piece
                            if choice.get("finish_reason"):
                                finished = True
            except httpx.TimeoutException:
                if produced:
                    raise StreamCutOff(f"the model server at {self.url} stopped sending for {self.timeout:g} s "
                                       f"after {produced} tokens") from None
                raise ModelUnavailable(f"the model server at {self.url} did not answer within {self.timeout:g} s") from None
            except httpx.HTTPError as exc:
                why = _printable(str(exc) or type(exc).__name__)
                if produced:
                    raise StreamCutOff(f"the model server at {self.url} broke off the answer after {produced} "
                                       f"tokens ({why})") from None
                raise ModelUnavailable(f"cannot reach the model server at {self.url} ({why})") from None
            if not finished:
                if produced:
                    raise StreamCutOff(f"the model server at {self.url} ended the stream after {produced} tokens "
                                       "without finishing the answer")
                raise ModelUnavailable(f"the model server at {self.url} ended the stream without an answer")
            if stats is not None:
                stats.completion_tokens = produced
                stats.prompt_tokens = prompt_tokens if prompt_tokens is not None else self.message_tokens(messages)

    def close(self) -> None:
        self._client.close()


def _sse_data(lines: Iterator[str]) -> Iterator[str]:
    """The `data` of each Server-Sent Event (comments such as ": ping" and other fields skipped;
    a multi-line data field joined with newlines, as the SSE spec says)."""
    parts: list[str] = []
    for line in lines:
        if not line:
            if parts:
                yield "\n".join(parts)
                parts = []
        elif line.startswith("data:"):
            parts.append(line[5:].removeprefix(" "))
    if parts:
        yield "\n".join(parts)


def _parse_chunk(data: str, url: str) -> dict:
    try:
        chunk = json.loads(data)
    except ValueError:
        raise ModelUnavailable(f"the model server at {url} streamed something that is not JSON: "
                               f"{_printable(data, 80)}") from None
    if not isinstance(chunk, dict):
        raise ModelUnavailable(f"the model server at {url} streamed an unexpected event: {_printable(data, 80)}")
    if "error" in chunk:
        error = chunk["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise ModelUnavailable(f"the model server at {url} failed: {_printable(str(message))}")
    return chunk


def _error_text(response: httpx.Response) -> str:
    """OpenAI-style {"error": {"message"}}, FastAPI's {"detail"}, or the body itself."""
    try:
        data = response.json()
    except ValueError:
        return response.text or response.reason_phrase
    if isinstance(data, dict):
        error = data.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if error:
            return str(error)
        if data.get("detail"):
            return str(data["detail"])
    return json.dumps(data)[:200]
