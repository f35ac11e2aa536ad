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


def test_a_rare_term_only_one_abstract_has_wins_even_when_dense_misses_it(bundled_assistant):
    # Dense ranks I2P-MAE outside its top 20; BM25 scores it four times the runner-up. Rank
    # fusion used to lose it at k=5; score fusion keeps the gap.
    question = "What linear SVM accuracy does the frozen I2P-MAE reach on ModelNet40?"
    hits = bundled_assistant.retriever.search(question, 5, "hybrid")
    assert "Image-to-Point" in hits[0].paper.title


def test_the_top_k_does_not_depend_on_k(bundled_assistant):
    question = "What decoder does IsoC-VGAE use to keep high-order isomorphic consistency?"
    five = [h.paper.id for h in bundled_assistant.retriever.search(question, 5, "hybrid")]
    ten = [h.paper.id for h in bundled_assistant.retriever.search(question, 10, "hybrid")]
    assert ten[:5] == five


def test_fusion_keeps_score_gaps():
    from assistant.retrieval.fusion import fuse

    dense = [("a", 0.60), ("b", 0.59), ("x", 0.58), ("c", 0.30)]
    lexical = [("c", 30.0), ("a", 3.0), ("b", 2.9)]  # c: the only abstract with a rare term
    fused = fuse(dense, lexical, 0.5)
    assert fused["c"] == 0.5  # last in dense, first in BM25 by a wide margin
    assert fused["c"] > fused["b"] > fused["x"]


def test_a_paraphrase_is_ranked_by_meaning_when_bm25_matches_little_of_it(bundled_assistant):
    # Its words ("justify", "decisions", "typical examples") are not the abstract's: BM25's best
    # match holds little of the question and must not outvote the dense ranking.
    question = "Which model can justify each of its decisions by pointing to learned typical examples?"
    lexical = bundled_assistant.index.lexical
    [(best, _), *_] = lexical.search(question, 1)
    assert lexical.matched_share(question, best) < 0.5
    top = bundled_assistant.retriever.search(question, 3, "hybrid")[0]
    assert top.paper.title.startswith("Deep Learning for Case-Based Reasoning through Prototypes")
