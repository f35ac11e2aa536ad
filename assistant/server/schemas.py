"""Request bodies, validated: a malformed request is a 4xx naming the field, never a 500."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

QUESTION_CHARS = 4000  # a question, not a document: longer ones are a client's mistake


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(max_length=QUESTION_CHARS)
    answer: str = ""
    cited_titles: list[str] = Field(default_factory=list, description="Titles the answer cited "
                                    "(what a follow-up's 'it' most likely refers to).")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=QUESTION_CHARS)
    history: list[str | HistoryTurn] = Field(default_factory=list, max_length=50,
                                             description="Earlier turns, oldest first.")
    k: int | None = Field(None, ge=1, le=50, description="Papers to retrieve (default: the server's).")
    query: str | None = Field(None, max_length=QUESTION_CHARS,
                              description="Search with this instead of the automatic standalone rewrite.")
    stream: bool = Field(False, description="Server-Sent Events (retrieved, token..., answer) instead of one "
                         "JSON object.")


class TextPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")  # name, tool_calls...: accepted, not used

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[TextPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(part.text for part in self.content)
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    """OpenAI's request. Sampling fields (temperature, max_tokens, top_p...) are accepted and
    ignored: the grounded policy decides how the answer is made."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    stream_options: dict | None = None
