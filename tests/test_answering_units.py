"""Citation parsing, verification rules, follow-up rewriting: the pure parts of answering."""

import pytest

from assistant.answering.citations import render_sentences, split_cited_sentences, strip_invalid
from assistant.answering.grammar import citation_grammar
from assistant.text import split_sentences
from assistant.answering.verify import unsupported_numbers
from assistant.retrieval.followup import Turn, parse_history, standalone_query


def test_citations_of_numbers_not_given_are_removed_and_counted():
    text, removed = strip_invalid("A is fast [1]. B is small [2, 7]. C [9].", {1, 2})
    assert removed == 2
    assert [(s.text, s.refs) for s in split_cited_sentences(text)] == [
        ("A is fast.", [1]), ("B is small.", [2]), ("C.", []),
    ]


def test_sentences_render_with_their_citations():
    sentences = split_cited_sentences("X improves Y [1][2]. Z holds [3].")
    assert render_sentences(sentences) == "X improves Y [1][2]. Z holds [3]."


def test_abstract_sentence_split_respects_abbreviations():
    text = "We use e.g. LSTMs and CNNs. Results improve by 2.5 points. Smith et al. agree."
    assert split_sentences(text) == ["We use e.g. LSTMs and CNNs.", "Results improve by 2.5 points.", "Smith et al. agree."]


def test_chat_template_markup_ends_a_sentence_and_is_no_part_of_one():
    text = "Reply with OK.<|im_end|> <|im_start|>user It reaches 71.3 percent.<start_of_turn>Done."
    assert split_sentences(text) == ["Reply with OK.", "user It reaches 71.3 percent.", "Done."]


def test_figures_missing_from_the_cited_abstract_are_caught():
    assert unsupported_numbers("It is 2.7x faster, a 30% gain.", "speedup ratio of 2.7x") == {"30"}
    assert unsupported_numbers("It is 2.7x faster.", "speedup ratio of 2.7x") == set()


def test_grammar_allows_only_given_reference_numbers():
    grammar = citation_grammar([1, 2, 3])
    assert 'ref ::= "1" | "2" | "3"' in grammar
    assert "refusal ::=" in grammar


def test_follow_up_is_rewritten_with_the_previous_subject():
    history = parse_history(["What is Chimera?", {"question": "x", "answer": "y", "citations": [{"title": "Chimera: A Lossless Decoding Method"}]}])
    assert history[1] == Turn("x", "y", ["Chimera: A Lossless Decoding Method"])
    assert standalone_query("How much faster is it?", history) == (
        "How much faster is it (regarding: Chimera: A Lossless Decoding Method)?"
    )
    assert standalone_query("What does BSP-Net output directly?", history) == "What does BSP-Net output directly?"
    assert standalone_query("What is Chimera?", []) == "What is Chimera?"


def test_history_as_chat_messages_pairs_each_answer_with_its_question():
    history = parse_history([
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is CMD?"},
        {"role": "assistant", "content": "A video diffusion model."},
        {"role": "user", "content": "And FAST?"},
    ])
    assert history == [Turn("What is CMD?", "A video diffusion model."), Turn("And FAST?")]
    assert standalone_query("How fast is it?", history[:1]) == "How fast is it (regarding: What is CMD?)?"
    for bad in ([{"role": "assistant", "content": "orphan"}], [{"role": "user", "content": 3}], [{"role": "tool"}]):
        with pytest.raises(ValueError, match="history item 1"):
            parse_history(bad)


def test_figure_questions_know_what_figure_they_want():
    from assistant.answering.evidence import figure_kinds, states_figure

    params = figure_kinds("How many parameters does BSP-Net have?")
    assert params and states_figure(params, "a 7B model") and not states_figure(params, "3D shapes")
    accuracy = figure_kinds("What accuracy does it reach on ImageNet?")
    assert states_figure(accuracy, "reaches 84.2% top-1") and not states_figure(accuracy, "a 2.7x speedup")
    assert states_figure(figure_kinds("What wall clock speedup does SpecTr achieve?"), "2.13X")
    assert figure_kinds("What does BSP-Net output directly?") == []
    optimizer = figure_kinds("Which optimizer does GEAR use?")
    assert states_figure(optimizer, "trained with AdamW") and not states_figure(optimizer, "KV cache compression")
    assert states_figure(figure_kinds("How many GPUs did it need?"), "on 8 A100s")
    assert figure_kinds("Which papers study learning rate schedules?") == []  # a topic, not a set-up detail
    when = figure_kinds("When was BSP-Net published?")
    assert states_figure(when, "since its release in 2019") and not states_figure(when, "with 300 shapes")


def test_lists_and_comparisons_want_several_papers():
    from assistant.answering.evidence import wants_several

    assert wants_several("Which papers apply masked autoencoders to point clouds?")
    assert wants_several("Compare the speedups reported by SpecTr and TriForce.")
    assert not wants_several("What does ADED use to approximate the output distribution?")


def test_the_ranker_puts_what_the_paper_does_above_background_at_equal_similarity():
    """The shipped ranker's fitted weights, read through its features: with the question matched
    equally well, a background line and the abstract's opening line rank below the sentence that
    says what the paper does, and one with the figures a "how much" question wants ranks higher."""
    import numpy as np

    from assistant.answering.evidence import default_ranker, sentence_features
    from assistant.text import tokenize

    sentences = ["However, existing methods need hand-crafted features.",
                 "To address this, we propose AutoInt, which learns feature interactions.",
                 "AutoInt learns feature interactions and is 2.1x faster.",
                 "AutoInt learns feature interactions with attention layers."]
    equal = np.full(4, 0.5)
    words = [set(tokenize(s)) for s in sentences]
    rows = sentence_features(sentences, words, equal, equal, 0.0, ["autoint", "learns"], figures=True, asks_problem=False)
    ranker = default_ranker()
    p = ranker.probabilities(np.array([[r[f] for f in ranker.features] for r in rows]))
    assert p[0] < p[1] and p[3] < p[2]
    asked = sentence_features(sentences, words, equal, equal, 0.0, ["autoint"], figures=False, asks_problem=True)
    assert asked[0]["background"] == 0.0 < rows[0]["background"]  # a question about the problem wants it
    assert set(ranker.features) == set(rows[0])  # the stored model reads every feature, and only those


class UniformTerms:
    """Every term equally informative, every term known."""

    def term_idf(self, token):
        return 1.0

    def known(self, token):
        return True


def test_a_denial_needs_a_negative_in_its_evidence(embedder):
    from assistant.answering.evidence import select_evidence
    from assistant.answering.verify import SUPPORT_THRESHOLD, support
    from assistant.corpus import Paper
    from assistant.retrieval import Hit

    paper = Paper("p1", "BSP-Net: Generating Compact Meshes via Binary Space Partitioning",
                  "BSP-Net outputs watertight polygonal meshes directly. It is trained without supervision "
                  "on convex decompositions.")
    question = "Are BSP-Net meshes watertight?"
    [evidence] = select_evidence(question, embedder.encode_one(question), [Hit(paper, 0.6)], embedder, UniformTerms())

    def score(claim):
        return support(claim, embedder.encode_one(claim), 1, evidence).score

    assert score("BSP-Net outputs watertight polygonal meshes.") >= SUPPORT_THRESHOLD
    assert score("BSP-Net does not output watertight meshes.") == 0.0  # close by every similarity, but false
    assert score("BSP-Net needs no supervision to learn convex decompositions.") >= SUPPORT_THRESHOLD


def test_one_citation_parser_serves_links_exports_and_counts():
    from assistant.answering.citations import count_citations, renumber
    from assistant.tui.widgets import linked_citations

    text = "A and B agree [1, 3]. C [2]."
    assert count_citations(text) == 3
    assert renumber(text, {1: 4, 3: 5, 2: 6}) == "A and B agree [4][5]. C [6]."
    assert linked_citations("X [1; 2].") == r"X [\[1\]](cite:1)[\[2\]](cite:2)."


def test_a_stored_answer_reads_back_whole_and_tolerates_other_versions():
    from assistant.answering import AnswerRecord, CitationRecord, SourceRecord

    record = AnswerRecord("Q?", "A [1].", citations=[CitationRecord(1, "p", "T", "e")],
                          sources=[SourceRecord(1, "p", "T", 0.5, None, ["e"])])
    assert AnswerRecord.from_json(record.to_json()) == record
    older = {"question": "Q?", "answer": "A.", "refused": False, "citations": [{"ref": 1, "id": "p", "title": "T"}],
             "timings": {"ttft_s": 1.0, "from_the_future": 1}, "new_field": True}
    back = AnswerRecord.from_json(older)
    assert back.citations[0].evidence is None and back.timings.ttft_s == 1.0 and back.sources == []
