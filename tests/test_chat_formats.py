"""A GGUF without a chat template gets its family's format, and a format without a system role
gets the instructions at the head of the first user turn instead of losing them."""

from pathlib import Path

from assistant.models.llama import LlamaGenerator


class StubLlama:
    """What `LlamaGenerator` reads of a loaded llama_cpp.Llama, for the message logic alone."""

    def __init__(self, metadata: dict, chat_format: str = "llama-2"):
        self.metadata = metadata
        self.chat_format = chat_format

    def tokenize(self, raw: bytes, add_bos: bool = False, special: bool = False) -> list[int]:
        return list(raw)


def generator(llm: StubLlama, chat_format: str | None = None) -> LlamaGenerator:
    g = LlamaGenerator(Path("model.gguf"), chat_format=chat_format)
    g._llm = llm
    return g


MESSAGES = [{"role": "system", "content": "Cite sources."}, {"role": "user", "content": "What is X?"}]


def test_a_format_without_a_system_role_gets_the_instructions_in_the_first_user_turn():
    folded = generator(StubLlama({}, "gemma"))._messages(MESSAGES)
    assert folded == [{"role": "user", "content": "Cite sources.\n\nWhat is X?"}]
    history = [MESSAGES[0], {"role": "assistant", "content": "Earlier."}, MESSAGES[1]]
    assert generator(StubLlama({}, "gemma"))._messages(history)[1]["content"].startswith("Cite sources.")
    assert generator(StubLlama({}, "chatml"))._messages(MESSAGES) == MESSAGES


def test_a_gemma_gguf_without_a_template_is_read_in_gemma_s_format(monkeypatch):
    import llama_cpp

    made = []

    def fake_llama(**kwargs):
        made.append(StubLlama({"general.architecture": "gemma3"}))
        return made[-1]

    monkeypatch.setattr(llama_cpp, "Llama", fake_llama)
    assert LlamaGenerator(Path("gemma.gguf")).load().chat_format == "gemma"
    with_template = StubLlama({"general.architecture": "gemma3", "tokenizer.chat_template": "{{ x }}"},
                              "chat_template.default")
    monkeypatch.setattr(llama_cpp, "Llama", lambda **kwargs: with_template)
    assert LlamaGenerator(Path("gemma.gguf")).load().chat_format == "chat_template.default"
    monkeypatch.setattr(llama_cpp, "Llama", lambda **kwargs: StubLlama({"general.architecture": "gemma3"}))
    assert LlamaGenerator(Path("gemma.gguf"), chat_format="chatml").load().chat_format == "llama-2"  # asked for
