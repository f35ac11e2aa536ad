"""Question-set loading and the metric arithmetic (the end-to-end eval run is in test_eval_e2e)."""

import json

from assistant.evaluation.metrics import fact_found, retrieval_verdicts
from assistant.evaluation.stats import bootstrap_ci
from assistant.evaluation.questions import load_questions


def test_bad_question_lines_are_reported_with_line_numbers_and_skipped(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "a", "question": "Q1?", "gold": ["T"]}),
        "{oops",
        json.dumps({"id": "b"}),
        json.dumps({"id": "a", "question": "again?"}),
        json.dumps({"id": "c", "question": "Q2?", "answerable": False}),
    ]))
    questions, problems = load_questions(path)
    assert [q.id for q in questions] == ["a", "c"]
    assert questions[0].answerable and not questions[1].answerable
    assert [p.split(": ", 1)[0] for p in problems] == [f"{path}:2", f"{path}:3", f"{path}:4"]


def test_retrieval_metrics_match_hand_computation():
    ranked = [{"id": "x", "title": "Other"}, {"id": "y", "title": "Gold Paper: A Study"}]
    verdict = retrieval_verdicts(ranked, ["gold paper - a study"])
    assert verdict["mrr"] == 0.5
    assert verdict["recall_at"][1] == 0.0 and verdict["recall_at"][2] == 1.0
    assert abs(verdict["ndcg10"] - 1 / 1.5849625) < 1e-6


def test_fact_matching_normalises_case_and_times():
    assert fact_found("2.7x", "a speedup of 2.7X")
    assert fact_found("2.33x", "a 2.33times speed-up")
    assert fact_found("7.7x", "samples 7.7 times faster") and fact_found("7.7 times", "a 7.7× speed-up")
    assert not fact_found("7.7x", "7.7 xenon")
    assert not fact_found("93.4%", "reaches 93% accuracy")


def test_words_read_count_a_quoted_evidence_sentence_once():
    from assistant.answering.compose import quoted
    from assistant.answering.record import AnswerRecord, CitationRecord, SourceRecord
    from assistant.evaluation.metrics import answer_verdicts
    from assistant.evaluation.questions import Question

    evidence = 'It reaches a "2.7x" speed-up on long prompts.'
    unquoted = "Decoding runs on one GPU."
    record = AnswerRecord(
        "How fast is it?", f"It is faster [1]. {quoted(evidence)} [1].",
        citations=[CitationRecord(1, "p", "Paper", evidence), CitationRecord(2, "q", "Other", unquoted)],
        sources=[SourceRecord(1, "p", "Paper", 0.5), SourceRecord(2, "q", "Other", 0.4)])
    verdict = answer_verdicts(record, Question("q1", "How fast is it?", gold=["p"], facts=["2.7x", "one GPU"]))
    # The answer's 13 words, and the cited sentence it does not quote (5): the quoted one not again.
    assert verdict["answer_words"] == 13 + 5
    assert verdict["fact_recall"] == 1.0


def test_bootstrap_interval_brackets_the_mean():
    low, high = bootstrap_ci([0, 1, 1, 1, 0, 1, 1, 1, 1, 1])
    assert low <= 0.8 <= high and 0 <= low < high <= 1


def test_paired_deltas_pair_by_question_and_bound_the_difference():
    from assistant.evaluation.compare import paired_deltas, verdict_changes

    def record(qid, refused, mrr):
        return {"id": qid, "answerable": True, "gold": ["t"], "refused": refused,
                "retrieval": {"recall_at": {"5": 1.0}, "mrr": mrr, "ndcg10": mrr},
                "verdict": {"fact_recall": 1.0 if not refused else 0.0},
                "timings": {"ttft_s": 1.0, "total_s": 2.0}}

    a = [record(f"q{i}", False, 0.5) for i in range(20)]
    b = [record(f"q{i}", False, 1.0) for i in range(19)] + [record("q19", True, 1.0)]
    d = paired_deltas(list(reversed(a)), b)  # order must not matter: paired by id
    assert d["mrr"]["delta"] == 0.5 and d["mrr"]["ci95"] == (0.5, 0.5) and d["mrr"]["n"] == 20
    assert d["false_refusal_rate"]["delta"] == 0.05
    low, high = d["false_refusal_rate"]["ci95"]
    assert low == 0.0 and 0.05 <= high <= 0.15
    assert verdict_changes(a, b) == ["q19: refused False->True, fact_recall 1.00->0.00"]
