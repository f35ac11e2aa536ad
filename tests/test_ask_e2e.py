"""End to end with the real bundled SmolLM2, real MiniLM and a real Chroma index."""

import json

import pytest
from click.testing import CliRunner

from assistant.cli.main import cli

pytestmark = pytest.mark.slow

QUESTION = "How do recent methods speed up LLM decoding without losing quality?"


def test_ask_json_cites_only_retrieved_papers(bundled_index_dir):
    result = CliRunner().invoke(
        cli, ["--index-dir", str(bundled_index_dir), "ask", QUESTION, "--json"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.output)
    assert set(payload) >= {"question", "answer", "refused", "citations", "sources", "timings"}
    assert set(payload["timings"]) >= {"retrieve_s", "ttft_s", "total_s", "prompt_tokens", "completion_tokens"}
    assert payload["refused"] is False
    sources = {s["ref"]: s for s in payload["sources"]}
    assert payload["citations"], payload["answer"]
    for citation in payload["citations"]:
        assert sources[citation["ref"]]["id"] == citation["id"]
        assert f"[{citation['ref']}]" in payload["answer"]
    titles = " ".join(s["title"] for s in payload["sources"]).lower()
    assert "decoding" in titles
    assert payload["timings"]["completion_tokens"] > 0


def test_a_refusal_says_why_on_the_cli_and_in_json(bundled_index_dir):
    args = ["--index-dir", str(bundled_index_dir), "ask", "How many parameters does BSP-Net have?"]
    shown = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert shown.exit_code == 0, shown.stderr
    assert "does not say this" in shown.stdout and "Binary Space Partitioning" in shown.stdout
    assert "(refused: the paper is here, but its abstract does not say this)" in shown.stderr
    record = json.loads(CliRunner().invoke(cli, args + ["--json"], catch_exceptions=False).stdout)
    assert record["refused"] and record["refusal_reason"] == "not-stated"


def test_every_ref_in_the_answer_is_a_given_source(bundled_assistant):
    answer = bundled_assistant.ask("What does BSP-Net output?")
    refs = {s.ref for s in answer.sources}
    import re

    cited = {int(n) for group in re.findall(r"\[([\d, ]+)\]", answer.text) for n in group.split(",")}
    assert cited and cited <= refs
    assert any("BSP" in c.paper.title or "Binary Space" in c.paper.title for c in answer.citations)
    for citation in answer.citations:
        assert citation.evidence and citation.evidence in citation.paper.abstract


def test_off_topic_question_is_refused_with_near_misses(bundled_assistant):
    answer = bundled_assistant.ask("What is the best recipe for sourdough bread?")
    assert answer.refused
    assert answer.citations == []
    assert "do not cover" in answer.text
    assert answer.near_misses


def sibling(assistant, generator=None, **settings):
    """Another service over the same index and embedders, with other settings (and model)."""
    from assistant.service import Assistant

    return Assistant(assistant.settings.model_copy(update=settings), assistant.paths, embedder=assistant.embedder,
                     ingest_embedder=assistant.ingest_embedder, generator=generator or assistant.generator)


def test_prompt_never_overflows_a_small_context(bundled_assistant):
    from assistant.models.llama import LlamaGenerator

    small = LlamaGenerator(bundled_assistant.generator.model_path, n_ctx=512, n_threads=2)
    answer = sibling(bundled_assistant, small, answer_mode="stuffed").ask(QUESTION, k=8)
    assert 0 < len(answer.sources) < 8  # whole abstracts were trimmed to fit 512 tokens
    assert answer.timings.prompt_tokens + answer.timings.completion_tokens <= 512


def test_bundled_model_uses_its_own_chat_template(bundled_assistant):
    llm = bundled_assistant.generator.load()
    assert "tokenizer.chat_template" in llm.metadata
    assert "<|im_start|>" in llm.metadata["tokenizer.chat_template"]


def test_a_detail_the_named_paper_does_not_state_is_refused(bundled_assistant):
    # BSP-Net's abstract states no parameter count, and another paper's figures must not stand in.
    answer = bundled_assistant.ask("How many parameters does BSP-Net have?")
    assert answer.refused
    assert any("Binary Space" in h.paper.title for h in answer.near_misses)


def test_a_set_up_detail_no_abstract_gives_is_refused(bundled_assistant):
    # GEAR is named and found (relevance well above the threshold), but its abstract names no optimizer.
    answer = bundled_assistant.ask("Which optimizer does GEAR use?")
    assert answer.refused and answer.relevance > 0.34
    assert any(h.paper.title.startswith("GEAR") for h in answer.near_misses)


def test_the_best_evidence_is_stated_even_when_the_model_is_vague(bundled_assistant):
    answer = bundled_assistant.ask("What does ADED use to approximate the output distribution of the LLM?")
    assert not answer.refused
    assert "tri-gram matrix" in answer.text
    assert all("Adaptive Draft-Verification" in c.paper.title for c in answer.citations)


def test_a_paraphrase_of_one_paper_is_answered_though_it_shares_few_words(bundled_assistant):
    # Relevance 0.32 (under the refusal threshold), but BSP-Net is 0.17 closer than any other paper.
    answer = bundled_assistant.ask("How can a solid object be described as a union of simple convex pieces "
                                   "learned without labels?")
    assert not answer.refused
    assert answer.relevance < 0.34
    assert answer.citations and all("Binary Space" in c.paper.title for c in answer.citations)


def test_a_question_carrying_a_concept_its_paper_lacks_has_the_larger_concept_gain(bundled_assistant):
    # With the real MiniLM: a detail D-AR's abstract never mentions, beside what it does say.
    lacking = bundled_assistant.assess("What learning rate does D-AR use?").signals.concept_gain
    # "reformulate" is not the abstract's word ("recast"): a paraphrase, measured, not skipped.
    stated = bundled_assistant.assess("What does D-AR reformulate image diffusion as?").signals.concept_gain
    assert lacking > 0.05 > stated


def test_grammar_constrained_decoding_still_cites_only_given_sources(bundled_assistant):
    constrained = sibling(bundled_assistant, citation_grammar=True)
    answer = constrained.ask("What does ADED use to approximate the output distribution of the LLM?")
    assert not answer.refused and answer.citations
    given = {s.ref for s in answer.sources}
    assert {c.ref for c in answer.citations} <= given
    assert answer.removed_citations == 0  # the grammar never lets an invalid number out


def test_loading_the_model_in_the_background_leaves_the_process_streams_alone(bundled_assistant):
    """The CLI loads the model in a thread while the main thread goes on and may print an error;
    llama-cpp-python's load used to swap sys.stdout/sys.stderr for /dev/null meanwhile (a CI run
    lost `ask`'s empty-index error that way)."""
    import sys
    import threading

    from assistant.models.llama import LlamaGenerator

    fresh = LlamaGenerator(bundled_assistant.generator.model_path, n_ctx=512, n_threads=1)
    stdout, stderr = sys.stdout, sys.stderr
    swapped = 0
    loading = threading.Thread(target=fresh.load)
    loading.start()
    while loading.is_alive():
        swapped += sys.stdout is not stdout or sys.stderr is not stderr
    loading.join()
    assert fresh.loaded and swapped == 0


def test_a_real_ask_writes_nothing_of_llama_cpp_to_stderr(bundled_index_dir, tmp_path):
    """With llama.cpp's log callback dropping every line, nothing is redirected and nothing leaks:
    the process's stderr holds no model-loading chatter (llama_model_loader, ggml, ...)."""
    import subprocess

    from terminal import assistant_command, script_env

    done = subprocess.run([assistant_command(), "--index-dir", str(bundled_index_dir), "ask", QUESTION,
                           "--no-stream"], capture_output=True, text=True, timeout=600,
                          env=script_env(ASSISTANT_HOME=str(tmp_path / "home")))
    assert done.returncode == 0, done.stderr
    assert "[" in done.stdout and "llama" not in done.stderr and "ggml" not in done.stderr, done.stderr
