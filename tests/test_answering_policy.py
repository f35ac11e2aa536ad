"""The answering policy with a scripted generator and a hashing embedder: every refusal gate,
verification, re-citation, duplicate claims, the lead-evidence rule and context fitting, in
milliseconds. The same behaviours with the real SmolLM2 and MiniLM are in test_ask_e2e.py."""

from __future__ import annotations

import time

import numpy as np
import pytest

from assistant.answering.evidence import PaperEvidence
from assistant.answering.grounded import GroundedAnswerer, assess, refusal_text
from assistant.answering.refusal import RefusalModel, Signals, decide, default_model
from assistant.answering.refusal import signals as refusal_signals
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


ANSWER_ALL = RefusalModel((), (), (), (), 10.0, threshold=0.5)  # the policy tested on its own, below


def answerer(script, **settings) -> tuple[GroundedAnswerer, ScriptedGenerator]:
    generator = script if isinstance(script, ScriptedGenerator) else ScriptedGenerator(script)
    return GroundedAnswerer(generator, EMBEDDER, TERMS, Settings(**settings), refusal_model=ANSWER_ALL), generator


def ask(grounded: GroundedAnswerer, question: str, hits: list[Hit]):
    return grounded.answer(question, question, hits, EMBEDDER.encode_one(question), time.perf_counter())


def hits_for(*papers_and_scores) -> list[Hit]:
    return [Hit(paper, score, named=named) for paper, score, *rest in papers_and_scores for named in [bool(rest)]]


# ------------------------------------------------------------------ the refusal policy

def on(feature: str, cut: float) -> RefusalModel:
    """A policy that answers exactly when one signal is at least `cut`."""
    return RefusalModel((feature,), (cut,), (1e-3,), (1.0,), 0.0, threshold=0.5)


def judged(question: str, hits: list[Hit]):
    return assess(question, question, hits, EMBEDDER.encode_one(question), EMBEDDER, TERMS, on("relevance", 0.0))


def test_the_policy_refuses_before_the_model_runs_and_says_why():
    generator = ScriptedGenerator("Anything [1].")
    grounded = GroundedAnswerer(generator, EMBEDDER, TERMS, Settings(), refusal_model=on("relevance", 0.34))
    answer = ask(grounded, "Which vaccine trials reported adverse cardiac events?", hits_for((BSP, 0.2), (GEAR, 0.18)))
    assert answer.refused and not generator.prompts
    assert answer.relevance < 0.34 and answer.refusal_reason == "not-in-collection"
    assert [h.paper.id for h in answer.near_misses] == [BSP.id, GEAR.id]
    assert answer.record().refusal_reason == "not-in-collection"


def test_separation_measures_how_far_the_best_paper_stands_from_the_rest():
    question = "How can a solid be cut into simple pieces learned unsupervised?"
    assert judged(question, hits_for((BSP, 0.6), (GEAR, 0.3))).signals.separation == pytest.approx(0.3)
    assert judged(question, hits_for((BSP, 0.6), (GEAR, 0.55))).signals.separation == pytest.approx(0.05)


def test_asking_a_named_paper_for_what_its_abstract_never_mentions_scores_low_ask_coverage():
    about = judged("What does BSP-Net output directly?", hits_for((BSP, 0.7, "named"))).signals
    other = judged("What learning rate schedule and optimizer does BSP-Net use?", hits_for((BSP, 0.7, "named"))).signals
    assert about.named == other.named == 1.0
    assert about.ask_coverage > 0.5 > other.ask_coverage
    assert other.coverage > other.ask_coverage  # the name alone makes it look covered


def test_figures_and_set_up_details_no_source_states_are_flagged():
    named = hits_for((BSP, 0.7, "named"))
    assert judged("How many parameters does BSP-Net have?", named).signals.detail_missing == 1.0
    assert judged("How many planes does BSP-Net use per shape?", named).signals.detail_missing == 1.0
    assert judged("Which optimizer does BSP-Net use?", named).signals.detail_missing == 1.0
    assert judged("What speedup does Chimera achieve?", hits_for((CHIMERA, 0.7, "named"))).signals.detail_missing == 0.0
    assert judged("What does BSP-Net output?", named).signals.detail_missing == 0.0


def test_words_the_collection_never_uses_raise_the_unknown_share():
    hits = hits_for((BSP, 0.5))
    assert judged("Does AlphaFold predict protein structures?", hits).signals.unknown_share > 0.3
    assert judged("Does BSP-Net output polygonal meshes?", hits).signals.unknown_share == 0.0


def test_dropping_a_word_the_source_never_uses_measures_the_concept_it_lacks():
    hits = hits_for((BSP, 0.6))
    # Every word is BSP-Net's own: nothing to drop.
    assert judged("Does BSP-Net output polygonal meshes?", hits).signals.concept_gain == 0.0
    # "optimizer" is foreign to the abstract: without it the question matches BSP-Net's sentences better.
    assert judged("Which optimizer does BSP-Net use for polygonal meshes?", hits).signals.concept_gain > 0.05
    # A comparison's second paper is named in words the first never uses: none of them is a
    # concept the sources lack.
    both = judged("What do BSP-Net meshes and Chimera decoding output?", hits_for((BSP, 0.6, "named"), (CHIMERA, 0.59, "named")))
    assert len(both.sources) == 2 and both.signals.concept_gain == 0.0
    # The signal needs the embedder that embedded the sentences; without one it is 0, never a guess.
    evidence = judged("Which optimizer does BSP-Net use?", hits).evidence
    assert refusal_signals("Which optimizer does BSP-Net use?", "Which optimizer does BSP-Net use?", hits, evidence,
                           evidence, TERMS).concept_gain == 0.0


@pytest.mark.parametrize("signals,reason", [
    (dict(unknown_name=1.0), "unknown-name"),
    (dict(named=1.0), "not-stated"),
    (dict(detail_missing=1.0), "not-stated"),
    ({}, "not-in-collection"),
])
def test_a_refusal_names_its_reason(signals, reason):
    base = dict(relevance=0.1, top=0.2, separation=0.0, coverage=0.1, ask_coverage=0.1, rare_coverage=0.0,
                unknown_share=0.0, unknown_name=0.0, detail_missing=0.0, named=0.0)
    decision = decide(Signals(**{**base, **signals}), on("relevance", 0.34))
    assert decision.refuse and decision.reason == reason


def test_a_not_stated_refusal_names_the_paper_and_where_to_read_it():
    paper = Paper.create("BSP-Net: Compact Meshes", "BSP-Net outputs meshes.", arxiv_id="1911.06971")
    text = refusal_text("not-stated", "How many planes?", [PaperEvidence(Hit(paper, 0.5), [])], TERMS)
    assert text == 'The abstract of "BSP-Net: Compact Meshes" does not say this. The paper itself might: ' \
                   "https://arxiv.org/abs/1911.06971"


def test_the_shipped_policy_loads_and_weighs_every_signal_it_was_fitted_on():
    model = default_model()
    assert set(model.features) <= set(Signals.__dataclass_fields__)
    assert len(model.features) == len(model.weights) == len(model.mean) == len(model.scale)
    assert 0.0 < model.threshold < 1.0 and "heldout" not in model.fitted_on
    assert "blind-tune" in model.fitted_on and "blind3-tune" in model.fitted_on and "concept_gain" in model.features


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

LEAD = '"BSP-Net directly outputs polygonal meshes from the inferred convexes"'


def test_the_evidence_is_quoted_when_the_model_stays_vague():
    grounded, _ = answerer("BSP-Net is a mesh method [1].")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert answer.text.startswith("BSP-Net is a mesh method [1].") and LEAD in answer.text
    assert not answer.extractive


def test_a_close_paraphrase_that_drops_the_answer_does_not_count_as_stating_it():
    # Nearly the lead sentence by similarity, but without "polygonal meshes", the answer.
    grounded, _ = answerer("BSP-Net directly outputs from the inferred convexes [1].")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert LEAD in answer.text


def test_evidence_the_model_already_states_is_not_quoted_again():
    grounded, _ = answerer("BSP-Net directly outputs polygonal meshes from the inferred convexes [1].")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert answer.text.count("outputs polygonal meshes from the inferred convexes") == 1 and LEAD not in answer.text
    assert answer.citations[0].evidence == "BSP-Net directly outputs polygonal meshes from the inferred convexes."


def test_a_model_refusal_over_good_evidence_leaves_the_quotes():
    grounded, _ = answerer("The abstracts do not cover this.")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert not answer.refused and answer.extractive
    assert LEAD in answer.text and answer.text.endswith("[1].")


def test_list_output_leaves_no_remnants():
    grounded, _ = answerer("The papers are:\n\n1. [BSP-Net: Generating Compact Meshes]\n2 [1].\n"
                           "- BSP-Net directly outputs polygonal meshes from the inferred convexes [1]")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert "2 [1]" not in answer.text and "1." not in answer.text.split()
    assert answer.text.startswith("BSP-Net directly outputs polygonal meshes from the inferred convexes [1].")
    assert answer.unsupported == []  # list leftovers are not claims


def test_a_sentence_cut_off_mid_way_is_not_a_claim():
    grounded, _ = answerer("BSP-Net directly outputs polygonal meshes [1]. The meshes are a [1].")
    answer = ask(grounded, "What does BSP-Net directly output?", hits_for((BSP, 0.7, "named")))
    assert answer.text.startswith("BSP-Net directly outputs polygonal meshes [1].")
    assert "are a [1]" not in answer.text and answer.unsupported == []


def test_a_comparison_quotes_each_paper_under_its_name_within_the_budget():
    grounded, _ = answerer("Both are efficient [1].")
    question = "Compare how GEAR and Chimera speed up large language models."
    answer = ask(grounded, question, hits_for((GEAR, 0.5, "named"), (CHIMERA, 0.49, "named")))
    assert "GEAR [1]: " in answer.text and "Chimera [2]: " in answer.text
    assert {c.paper.id for c in answer.citations} == {GEAR.id, CHIMERA.id}


def test_the_quotes_fit_the_word_budget_and_the_model_reads_a_shorter_choice():
    from assistant.answering.evidence import PROMPT_WORDS, QUOTE_WORDS, choose, select_evidence

    long = Paper.create("Long: a paper", " ".join(f"Sentence {n} says something about decoding speed and meshes."
                                                   for n in range(40)))
    question = "What does it say about decoding speed?"
    [evidence] = select_evidence(question, EMBEDDER.encode_one(question), [Hit(long, 0.6)], EMBEDDER, TERMS)
    [picked] = choose([evidence], several=False)
    assert PROMPT_WORDS < sum(len(s.text.split()) for s in picked) <= QUOTE_WORDS
    assert [s.position for s in picked] == sorted(s.position for s in picked)  # in reading order

    prompts = []
    grounded, _ = answerer(lambda messages: prompts.append(messages) or "It covers decoding speed [1].")
    answer = ask(grounded, question, [Hit(long, 0.6)])
    shown = " ".join(answer.sources[0].evidence)
    assert 0 < len(shown.split()) <= PROMPT_WORDS and shown.split(". ")[0] in prompts[0][-1]["content"]
    quoted = " ".join(answer.text.split('"')[1::2])  # what the answer quotes, between double quotes
    assert PROMPT_WORDS < len(quoted.split()) <= QUOTE_WORDS


def test_the_longer_quote_budget_quotes_only_papers_the_model_read(monkeypatch):
    from assistant.answering import grounded as grounded_module
    from assistant.answering.evidence import PROMPT_WORDS, choose

    monkeypatch.setattr(grounded_module, "MARGIN_ONE", 0.1)  # both papers sources: the budgets are tested here

    first = Paper.create("First: decoding speed", " ".join(
        f"Decoding speed of model {n} rises with drafted tokens at every step of the decoder here." for n in range(5)))
    second = Paper.create("Second: other work", "Decoding speed rises with drafted tokens for a different kind of "
                          "model too, in a sentence long enough not to fit the shorter budget at all.")
    question = "What decoding speed do drafted tokens give?"
    hits = [Hit(first, 0.6), Hit(second, 0.58)]
    # The premise: both papers are sources; the longer budget alone would quote the second one,
    # the shorter one does not.
    sources = judged(question, hits).sources
    assert [e.hit.paper.id for e in sources] == [first.id, second.id]
    assert [bool(p) for p in choose(sources, several=False)] == [True, True]
    assert [bool(p) for p in choose(sources, several=False, budget=PROMPT_WORDS)] == [True, False]

    grounded, _ = answerer("Drafted tokens raise decoding speed [1].")
    answer = ask(grounded, question, hits)
    assert [s.paper.id for s in answer.sources] == [first.id]
    assert {c.paper.id for c in answer.citations} == {first.id} and "different kind" not in answer.text


def test_a_list_quotes_what_each_paper_proposes_before_its_other_sentences():
    from assistant.answering.evidence import LIST_CONTRIBUTION_BONUS, EvidenceSentence, PaperEvidence, choose

    paper = Paper.create("X: a paper", "unused")
    vector = np.eye(4, dtype=np.float32)
    background = EvidenceSentence("Decoding is slow for long outputs and many tokens in every step.", 0, 0.60, vector[0])
    proposal = EvidenceSentence("We propose X, which drafts many tokens at once.", 1, 0.60 - LIST_CONTRIBUTION_BONUS / 2,
                                vector[1])
    evidence = PaperEvidence(Hit(paper, 0.5), [background, proposal])
    [listed] = choose([evidence], several=True, budget=12)
    [single] = choose([evidence], several=False, budget=12)
    assert listed == [proposal] and single == [background]


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
