"""Text from a corpus or a model never reaches a terminal with its control sequences.

Hostile titles, abstracts, authors, file names and model output carry OSC 52 (clipboard
write), CSI clear-screen, an OSC window title, BEL, backspaces, the 8-bit CSI and a bidi
override. What the CLI writes is checked byte for byte (CliRunner with colour kept, and real
subprocesses on a pseudo-terminal, where `ask` streams); the stored text keeps every byte.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli
from assistant.corpus import CorpusLoad, Paper
from assistant.models.hashing import HashingEmbedder
from assistant.models.scripted import ScriptedGenerator
from assistant.service import Assistant
from assistant.settings import load_settings
from assistant.text import terminal_safe

from terminal import (BEL, BIDI, C1_CSI, CLEAR, HOSTILE, OSC52, TITLE, assert_clean, assert_clean_screen,
                      assistant_command, hostile, python, run_in_pty, script_env)

TITLE_WORDS = "Harmless Title About Sparse Autoencoders"
ABSTRACT = ("Sparse autoencoders decompose language model activations into interpretable features. "
            "We train them on the residual stream of a small transformer. "
            "The learned features are monosemantic and causally relevant.")
REPLY = "Sparse autoencoders decompose language model activations into interpretable features [1]."


def hostile_papers() -> list[Paper]:
    """Built directly, not read from a file: whatever the readers will one day clean, the
    display must be safe on its own (older indexes, other stores, model output)."""
    return [
        Paper.create(hostile(TITLE_WORDS), " ".join(hostile(s) for s in ABSTRACT.split(". ")),
                     authors=(hostile("Eve Mallory"), "Bob"), date="2024-01-02", arxiv_id="2401.00001"),
        Paper.create("Learning Mesh Representations via BSP Networks",
                     "Polygonal meshes are ubiquitous. BSP-Net outputs polygonal meshes directly."),
    ]


@pytest.fixture
def hostile_assistant(tmp_path):
    assistant = Assistant(load_settings(index_dir=tmp_path / "idx"), embedder=HashingEmbedder(),
                          generator=ScriptedGenerator(hostile(REPLY)))
    assistant.ingest(CorpusLoad(hostile_papers()))
    return assistant


@pytest.fixture
def cli_with(monkeypatch, hostile_assistant):
    """The CLI's commands build this assistant instead of one from settings."""
    for module in ("ask", "ingest", "evaluate", "models"):
        monkeypatch.setattr(f"assistant.cli.{module}.make_assistant", lambda ctx, **_: hostile_assistant)
    return hostile_assistant


def invoke(*args):
    # color=True: click keeps styles, so nothing is stripped on the way as it would be for a pipe.
    return CliRunner().invoke(cli, list(args), color=True, catch_exceptions=False)


# ---------------------------------------------------------------------------- the sanitiser
@pytest.mark.parametrize("sequence", HOSTILE, ids=["osc52", "csi-clear", "osc-title", "bel", "backspaces",
                                                   "bidi-override", "c1-csi"])
def test_each_hostile_sequence_is_removed_whole(sequence):
    assert terminal_safe(f"before{sequence}after") == "beforeafter"


def test_ordinary_text_is_kept_as_it_is():
    text = "Naïve Bayes, 中文, العربية, emoji 🙂 and\ttabs\nover two lines: x ≤ y [1]."
    assert terminal_safe(text) == text
    assert terminal_safe(terminal_safe(hostile(text))) == terminal_safe(hostile(text))


def test_a_carriage_return_cannot_overwrite_a_line_and_unterminated_sequences_lose_their_escape():
    assert terminal_safe("Safe title\rEvil title") == "Safe title\nEvil title"
    assert terminal_safe("a\x1b]52;c;payload with no end") == "a52;c;payload with no end"
    assert terminal_safe("reset\x1bc now") == "reset now"


# ---------------------------------------------------------------------------- the CLI
def test_search_prints_hostile_titles_cleanly(cli_with):
    result = invoke("search", "sparse autoencoders")
    assert result.exit_code == 0
    assert TITLE_WORDS in assert_clean(result.output)


def test_ask_prints_hostile_model_output_titles_and_evidence_cleanly(cli_with):
    result = invoke("ask", "What do sparse autoencoders decompose?", "--no-stream")
    assert result.exit_code == 0, result.output
    text = assert_clean(result.output)
    assert "Cited papers" in text and TITLE_WORDS in text
    assert "interpretable features" in text


def test_ask_json_is_lossless_and_never_carries_a_raw_control_byte(cli_with):
    result = invoke("ask", "What do sparse autoencoders decompose?", "--json")
    assert result.exit_code == 0, result.output
    for raw in ("\x1b", "\x07", "\x08", "\x9b", BIDI):
        assert raw not in result.stdout
    record = json.loads(result.stdout)
    # The JSON holds the stored text byte for byte (the index itself keeps no control
    # characters: ingest drops them, so the OSC 52 sequence never got in).
    stored = cli_with.papers([record["citations"][0]["id"]])[record["citations"][0]["id"]]
    assert record["citations"][0]["title"] == stored.title and "Harmless Title" in stored.title
    assert OSC52 not in stored.title
    # Escaped, not removed: what the answer quotes keeps its bidi overrides in the JSON.
    assert BIDI in record["answer"]


def test_ingest_warnings_and_errors_name_a_hostile_file_cleanly(cli_with, tmp_path):
    evil = tmp_path / f"papers{OSC52}{BIDI}.jsonl"
    evil.write_text(json.dumps({"title": "Only a title"}) + "\n"
                    + json.dumps({"title": "A good one", "abstract": "It has an abstract."}) + "\n")
    result = invoke("ingest", str(evil))
    assert result.exit_code == 0, result.output
    assert "assistant: warning:" in assert_clean(result.stderr)

    missing = invoke("ingest", str(tmp_path / f"gone{CLEAR}{TITLE}.jsonl"))
    assert missing.exit_code == 66
    assert assert_clean(missing.stderr).startswith("assistant: error: ")


def test_models_lists_a_hostile_file_name_cleanly(assistant_home):
    models = assistant_home / "data" / "models"
    models.mkdir(parents=True)
    (models / f"evil{OSC52}{BEL}{C1_CSI}.gguf").write_bytes(b"GGUF")
    result = invoke("models")
    assert result.exit_code == 0
    assert "evil" in assert_clean(result.output)
    listed = invoke("models", "--json")
    assert "\x1b" not in listed.stdout and any("evil" in m["name"] for m in json.loads(listed.stdout))


def test_eval_prints_hostile_question_ids_cleanly(cli_with, tmp_path):
    def run(name: str, fact: str):
        questions = tmp_path / f"{name}.jsonl"
        questions.write_text(json.dumps({"id": f"q{OSC52}1", "question": "What do sparse autoencoders decompose?",
                                         "gold": ["2401.00001"], "facts": [fact]}) + "\n"
                             + json.dumps({"id": f"q{OSC52}1", "question": "again?"}) + "\n")
        result = invoke("eval", str(questions), "--out", str(tmp_path / name))
        assert result.exit_code == 0, result.output
        assert "duplicate id" in assert_clean(result.output)

    run("a", "decompose")
    run("b", "a fact no answer states")  # the same question, now with its fact missed
    compared = invoke("eval", "compare", str(tmp_path / "a"), str(tmp_path / "b"))
    assert compared.exit_code == 0
    assert "1 questions changed verdict" in assert_clean(compared.output)


@pytest.mark.slow
def test_streamed_hostile_model_output_reaches_a_real_terminal_cleanly(tmp_path):
    """A subprocess on a pseudo-terminal: `ask` streams the model's pieces as they come."""
    index = tmp_path / "idx"
    Assistant(load_settings(index_dir=index), embedder=HashingEmbedder(),
              generator=ScriptedGenerator("")).ingest(CorpusLoad(hostile_papers()))
    env = script_env(SCRIPTED_REPLY=hostile(REPLY))
    command = [python(), "-m", "scripted_cli", "--index-dir", str(index)]
    code, out = run_in_pty(command + ["ask", "What do sparse autoencoders decompose?"], env)
    assert code == 0, out
    text = assert_clean(out)
    assert "interpretable features" in text and "Cited papers" in text
    code, out = run_in_pty(command + ["search", "sparse autoencoders"], env)
    assert code == 0 and TITLE_WORDS in assert_clean(out)


@pytest.mark.slow
def test_real_models_over_a_hostile_corpus_on_a_real_terminal(tmp_path, embedder):
    """`assistant search` and `ask` as shipped (MiniLM, SmolLM2), on a pseudo-terminal."""
    from assistant.index import PaperIndex

    index = tmp_path / "idx"
    PaperIndex(index, embedder).ingest(hostile_papers())
    command = [assistant_command(), "--index-dir", str(index)]
    code, out = run_in_pty(command + ["search", "sparse autoencoders"], script_env())
    assert code == 0, out
    assert TITLE_WORDS in assert_clean(out)
    code, out = run_in_pty(command + ["ask", "What do sparse autoencoders decompose activations into?"],
                           script_env())
    assert code == 0, out
    assert TITLE_WORDS in assert_clean(out)


@pytest.mark.slow
def test_the_chat_shows_hostile_text_cleanly_on_a_real_terminal(tmp_path):
    """The chat on a pseudo-terminal: a streamed hostile answer, the paper panel (title,
    authors, abstract), the sources, the chat list and a saved chat with a hostile title and
    question, the status bar (a hostile model name) and a notice naming a hostile file."""
    from assistant.chat.store import ChatStore
    from assistant.paths import user_paths

    index = tmp_path / "idx"
    Assistant(load_settings(index_dir=index), embedder=HashingEmbedder(),
              generator=ScriptedGenerator("")).ingest(CorpusLoad(hostile_papers()))
    store = ChatStore(user_paths().chats_db)
    saved = store.create_chat(hostile("Evil chat title"))
    store.add_question(saved.id, hostile("an evil question?"))
    store.close()
    # Markup in a file name: as markup, "[@click=app.quit]" would make the notice a quit button.
    evil = tmp_path / f"e[@click=app.quit]x{OSC52}{CLEAR}.jsonl"
    evil.write_text(json.dumps({"title": "Only a title"}) + "\n"
                    + json.dumps({"title": "A good one", "abstract": "It has an abstract."}) + "\n")
    env = script_env(ASSISTANT_INDEX_DIR=str(index), SCRIPTED_REPLY=hostile(REPLY),
                     SCRIPTED_NAME=hostile("evil-model"))
    code, out = run_in_pty([python(), "-m", "chat_driver", "hostile", evil.name], env, timeout=300, cwd=tmp_path)
    assert code == 0, out[-3000:]
    screen = assert_clean_screen(out)
    for shown in ("Harmless Title About Sparse Autoencoders", "Eve Mallory", "Evil chat title", "evil-model",
                  "an evil question?", "interpretable features", "Indexed", "[@click=app.quit]x.jsonl"):
        assert shown in screen, shown
