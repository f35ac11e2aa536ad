"""Hybrid retrieval on the bundled corpus: a named method comes first; dense mode still works."""


def test_a_question_naming_a_method_ranks_that_paper_first(bundled_assistant):
    hits = bundled_assistant.retriever.search("What wall clock speedup does SpecTr achieve?", 5, "hybrid")
    assert hits[0].paper.title.startswith("SpecTr:")


def test_common_title_words_do_not_count_as_names(bundled_assistant):
    # "Learning to Parallel: ..." must not be boosted by the word "learning".
    hits = bundled_assistant.retriever.search("learning rate schedules for continual pre-training", 3, "hybrid")
    assert not hits[0].paper.title.startswith("Learning to Parallel")
    assert any("Learning Rate" in h.paper.title for h in hits)


def test_dense_mode_returns_scored_hits_best_first(bundled_assistant):
    hits = bundled_assistant.retriever.search("binary space partitioning for meshes", 3, "dense")
    assert hits[0].paper.title.startswith("Learning Mesh Representations")
    assert [h.lexical for h in hits] == [0.0, 0.0, 0.0]
    assert hits[0].score >= hits[1].score >= hits[2].score
