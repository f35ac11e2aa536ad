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


def test_bm25_scores_are_the_textbook_formula_over_live_rows_of_every_segment():
    """Okapi BM25 (k1 1.2, b 0.75, idf log(1 + (N - df + .5) / (df + .5)), title words counted
    three times) computed here by hand, against the index's column-at-a-time scoring over two
    segments with a deleted row."""
    import math

    import numpy as np

    from assistant.corpus import Paper
    from assistant.index.lexical import TITLE_WEIGHT, LexicalIndex, LexicalPart, Postings, TermCounts
    from assistant.text import tokenize

    papers = [Paper.create(f"Title {i} {'sparse attention' if i % 3 == 0 else 'graph networks'}",
                           f"We study {'attention ' * (i % 4 + 1)}for retrieval of paper {i} with networks.")
              for i in range(12)]
    segments = [papers[:7], papers[7:]]
    dead = papers[2].id
    parts = []
    for chunk in segments:
        ids = [p.id for p in chunk]
        alive = np.array([pid != dead for pid in ids])
        parts.append(LexicalPart(Postings.from_counts(TermCounts.of(chunk)), alive,
                                 lambda rows, ids=ids: [ids[r] for r in rows], {p: i for i, p in enumerate(ids)}.get))
    index = LexicalIndex(parts)

    def counts(paper):
        c = {}
        for weight, text in ((TITLE_WEIGHT, paper.title), (1, paper.abstract)):
            for token in tokenize(text):
                c[token] = c.get(token, 0) + weight
        return c

    live = {p.id: counts(p) for p in papers if p.id != dead}
    n = len(live)
    avgdl = sum(sum(c.values()) for c in live.values()) / n
    query = "sparse attention networks for retrieval"
    expected = {}
    for pid, c in live.items():
        length, score = sum(c.values()), 0.0
        for term in set(tokenize(query)):
            df = sum(term in other for other in live.values())
            if term in c:
                idf = math.log1p((n - df + 0.5) / (df + 0.5))
                score += idf * c[term] * 2.2 / (c[term] + 1.2 * (1 - 0.75 + 0.75 * length / avgdl))
        expected[pid] = score
    found = index.search(query, 20)
    assert dead not in dict(found) and len(found) == n
    for pid, score in found:
        assert math.isclose(score, expected[pid], rel_tol=1e-12), pid
    assert [pid for pid, _ in found[:3]] == sorted(expected, key=lambda p: -expected[p])[:3]
