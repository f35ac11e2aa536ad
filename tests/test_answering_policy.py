"""The answering policy with a scripted generator and a hashing embedder: every refusal gate,
verification, re-citation, duplicate claims, the lead-evidence rule and context fitting, in
milliseconds. The same behaviours with the real SmolLM2 and MiniLM are in test_ask_e2e.py."""

from __future__ import annotations

import time

import pytest

from assistant.answering.grounded import GroundedAnswerer
from assistant.answering.stream import fit_sources, messages_for
from assistant.answering.stuffed import StuffedAnswerer
from assistant.corpus import Paper
from assistant.index.lexical import LexicalIndex
from assistant.models.hashing import HashingEmbedder
from assistant.models.scripted import ScriptedGenerator
from assistant.retrieval import Hit
from assistant.settings import Settings

BSP = Paper.create(
    "BSP-Net: Generating Compact Meshes via Binary Space Partitioning",
    "Polygonal meshes are ubiquitous in computer graphics. BSP-Net learns convex decompositions "
    "without supervision. BSP-Net directly outputs polygonal meshes from the inferred convexes. "
    "The meshes are watertight and compact.",
)
CHIMERA = Paper.create(
    "Chimera: A Lossless Decoding Method for Accelerating Large Language Models",
    "Chimera fuses all tokens with a lightweight draft model. It achieves an average latency speedup "
    "ratio of 2.7x over vanilla auto-regressive decoding on the Vicuna and LlaMA-2 series.",
)
GEAR = Paper.create(
    "GEAR: An Efficient KV Cache Compression Recipe",
    "GEAR compresses the key-value cache with quantization and a low-rank matrix. GEAR achieves "
    "near-lossless compression with up to 2.38x throughput improvement.",
)
FILLER = [Paper.create(f"Unrelated study {n} of protein folding kinetics",
                       f"We measure folding rates of proteins under condition {n} in solvent.") for n in range(6)]
EMBEDDER = HashingEmbedder()
TERMS = LexicalIndex.build([BSP, CHIMERA, GEAR, *FILLER])


def answerer(script, **settings) -> tuple[GroundedAnswerer, ScriptedGenerator]:
    generator = script if isinstance(script, ScriptedGenerator) else ScriptedGenerator(script)
    return GroundedAnswerer(generator, EMBEDDER, TERMS, Settings(**settings)), generator


def ask(grounded: GroundedAnswerer, question: str, hits: list[Hit]):
    return grounded.answer(question, question, hits, EMBEDDER.encode_one(question), time.perf_counter())


def hits_for(*papers_and_scores) -> list[Hit]:
    return [Hit(paper, score, named=named) for paper, score, *rest in papers_and_scores for named in [bool(rest)]]


# ------------------------------------------------------------------ refusal gates

def test_weak_evidence_is_refused_before_the_model_runs():
    grounded, generator = answerer("Anything [1].")
    answer = ask(grounded, "Which vaccine trials reported adverse cardiac events?", hits_for((BSP, 0.2), (GEAR, 0.18)))
    assert answer.refused and not generator.prompts
    assert answer.relevance < 0.34
    assert [h.paper.id for h in answer.near_misses] == [BSP.id, GEAR.id]


def test_a_paper_that_stands_apart_is_answered_though_its_relevance_is_low():
    question = "How can a solid be cut into simple pieces learned unsupervised?"
    grounded, generator = answerer("BSP-Net directly outputs polygonal meshes from the inferred convexes [1].")
    apart = ask(grounded, question, hits_for((BSP, 0.6), (GEAR, 0.3)))
    assert apart.relevance < 0.34 and not apart.refused and generator.prompts
    close = ask(answerer("x")[0], question, hits_for((BSP, 0.6), (GEAR, 0.55)))
    assert close.refused  # two papers equally near: no paper is what the question is about


def test_a_name_the_corpus_never_mentions_is_refused_however_relevant():
    grounded, generator = answerer("BSP-Net outputs meshes [1].")
    answer = ask(grounded, "Does AlphaFold output polygonal meshes like BSP-Net?", hits_for((BSP, 0.7, "named")))
    assert answer.refused and not generator.prompts


def test_a_kind_of_figure_the_sources_never_state_is_refused():
    grounded, generator = answerer("It has many parameters [1].")
    missing = ask(grounded, "How many parameters does BSP-Net have?", hits_for((BSP, 0.7, "named")))
    assert missing.refused and not generator.prompts
    stated = ask(answerer("Chimera achieves a speedup ratio of 2.7x [1].")[0],
                 "What speedup does Chimera achieve?", hits_for((CHIMERA, 0.7, "named")))
    assert not stated.refused


def test_a_set_up_detail_no_source_names_is_refused():
    grounded, generator = answerer("GEAR uses Adam [1].")
    answer = ask(grounded, "Which optimizer does GEAR use for the key-value cache?", hits_for((GEAR, 0.7, "named")))
    assert answer.refused and not generator.prompts


# ------------------------------------------------------------------ verification

def test_supported_sentences_stay_and_unsupported_ones_go():
    grounded, _ = answerer("BSP-Net directly outputs polygonal meshes from the inferred convexes [1]. "
                           "It was trained on ten thousand galaxies in orbit [1].")
    answer = ask(grounded, "What does BSP-Net output?", hits_for((BSP, 0.7, "named")))
    assert not answer.refused
    assert "polygonal meshes" in answer.text and "galaxies" not in answer.text
    assert answer.unsupported == ["It was trained on ten thousand galaxies in orbit."]
    assert [c.ref for c in answer.citations] == [1]
    assert answer.citations[0].evidence == "BSP-Net directly outputs polygonal meshes from the inferred convexes."


def test_a_figure_the_cited_abstract_never_states_is_unsupported():
    grounded, _ = answerer("Chimera achieves an average latency speedup ratio of 3.9x over vanilla decoding [1].")
    answer = ask(grounded, "What speedup does Chimera achieve over vanilla decoding?", hits_for((CHIMERA, 0.7, "named")))
    assert answer.unsupported and "3.9x" not in answer.text
    assert "2.7x" in answer.text  # the lead evidence is quoted instead


def test_a_right_claim_with_a_wrong_number_is_re_cited():
    grounded, _ = answerer("GEAR compresses the key-value cache with quantization and a low-rank matrix [2].")
    hits = hits_for((GEAR, 0.5, "named"), (CHIMERA, 0.49, "named"))  # both named: both are sources
    answer = ask(grounded, "Compare how GEAR and Chimera speed up large language models.", hits)
    assert [s.paper.id for s in answer.sources] == [GEAR.id, CHIMERA.id]
    assert not answer.unsupported  # kept, with the number of the paper that says it
    assert "low-rank matrix [1]" in answer.text and "low-rank matrix [2]" not in answer.text
    assert answer.citations[0].paper.id == GEAR.id and "low-rank" in answer.citations[0].evidence


def test_citations_of_numbers_never_given_are_removed_and_counted():
    grounded, _ = answerer("BSP-Net directly outputs polygonal meshes from the inferred convexes [1][9].")
    answer = ask(grounded, "What does BSP-Net output?", hits_for((BSP, 0.7, "named")))
    assert answer.removed_citations == 1 and "[9]" not in answer.text


def test_a_repeated_claim_is_kept_once():
    sentence = "BSP-Net directly outputs polygonal meshes from the inferred convexes [1]."
    grounded, _ = answerer(f"{sentence} {sentence} {sentence}")
    answer = ask(grounded, "What does BSP-Net output?", hits_for((BSP, 0.7, "named")))
    assert answer.text.count("polygonal meshes from the inferred convexes") == 1


# ------------------------------------------------------------------ the lead evidence

def test_the_lead_evidence_is_quoted_when_the_model_stays_vague():
    grounded, _ = answerer("BSP-Net is a mesh method [1].")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert 'The abstract of "BSP-Net' in answer.text and "outputs polygonal meshes" in answer.text
    assert not answer.extractive


def test_a_close_paraphrase_that_drops_the_answer_does_not_count_as_stating_it():
    # Nearly the lead sentence by similarity, but without "polygonal meshes", the answer.
    grounded, _ = answerer("BSP-Net directly outputs from the inferred convexes [1].")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert "outputs polygonal meshes" in answer.text


def test_nothing_is_quoted_when_the_model_already_states_the_lead():
    grounded, _ = answerer("BSP-Net directly outputs polygonal meshes from the inferred convexes [1].")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert "The abstract of" not in answer.text and answer.text.count("[1]") == 1


def test_a_model_refusal_over_good_evidence_becomes_a_quote():
    grounded, _ = answerer("The abstracts do not cover this.")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert not answer.refused and answer.extractive
    assert answer.text.startswith("BSP-Net: Generating Compact Meshes") and "[1]" in answer.text


def test_a_named_paper_answers_for_itself():
    grounded, generator = answerer("Chimera fuses all tokens with a lightweight draft model [1].")
    answer = ask(grounded, "How does Chimera draft tokens?", hits_for((GEAR, 0.8), (CHIMERA, 0.7, "named")))
    assert [s.paper.id for s in answer.sources] == [CHIMERA.id]
    assert "GEAR" not in generator.prompts[0][1]["content"]


# ------------------------------------------------------------------ context

def test_sources_are_dropped_then_cut_until_the_prompt_fits():
    generator = ScriptedGenerator("", n_ctx=120)
    blocks = [f"[{n}] Title {n}: " + "word " * 40 for n in range(1, 4)]
    fitted = fit_sources(generator, "system", blocks, "question?", 100)
    assert 0 < len(fitted) < 3
    assert generator.message_tokens(messages_for("system", fitted, "question?")) <= 100
    alone = fit_sources(generator, "system", ["[1] T: " + "word " * 200], "question?", 100)
    assert len(alone) == 1 and len(alone[0].split()) < 100


def test_a_small_context_never_overflows_in_the_answerers():
    generator = ScriptedGenerator("Chimera fuses all tokens [1].", n_ctx=260)
    stuffed = StuffedAnswerer(generator, Settings(max_tokens=64))
    papers = [CHIMERA, BSP, GEAR, *FILLER]
    answer = stuffed.answer("q?", "How does Chimera draft?", [Hit(p, 0.5) for p in papers], None, time.perf_counter())
    assert 0 < len(answer.sources) < len(papers)
    assert answer.timings.prompt_tokens <= 260 - 64


def test_the_stuffed_baseline_reads_grouped_citations():
    generator = ScriptedGenerator("Both speed up inference [1, 2]. Chimera fuses tokens [1].")
    answer = StuffedAnswerer(generator, Settings()).answer(
        "q?", "q?", [Hit(CHIMERA, 0.6), Hit(GEAR, 0.5)], None, time.perf_counter())
    assert [c.ref for c in answer.citations] == [1, 2]


@pytest.mark.parametrize("reply,refused", [("The abstracts do not cover this.", True), ("Chimera is fast [1].", False)])
def test_the_stuffed_baseline_refuses_only_when_the_model_does(reply, refused):
    answer = StuffedAnswerer(ScriptedGenerator(reply), Settings()).answer(
        "q?", "q?", [Hit(CHIMERA, 0.6)], None, time.perf_counter())
    assert answer.refused is refused
