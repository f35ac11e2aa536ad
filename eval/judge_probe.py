"""Can the bundled model judge answerability? A probe, not part of the pipeline.

    python eval/judge_probe.py [QUESTIONS.jsonl ...]     (default: the tuning sets)

For each question the grounded answerer's three best evidence sentences are shown to the model
with "Does the text answer the question? Reply Yes or No.", and log P(Yes) - log P(No) of its
first token is read (llama.cpp, SmolLM2's ChatML format). Prints the AUC of that score for
answerable against unanswerable questions, overall and against the hard sorts (a named paper's
missing detail, a near topic). Measured with SmolLM2-135M on the four tuning sets (2026-12-04):
0.569 overall, 0.566 against the hard sorts (225 answerable, 110 unanswerable, 88 of them hard),
close to chance: the 135M model cannot be the refusal signal.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "eval"))
from fit_refusal import TUNING  # noqa: E402

HARD = {"missing-detail", "near-topic", "detail-unanswerable"}
PROMPT = "Text: {text}\n\nQuestion: {question}\n\nDoes the text answer the question? Reply Yes or No."


def auc(pos: list[float], neg: list[float]) -> float:
    p, n = np.array(pos)[:, None], np.array(neg)[None, :]
    return float((p > n).mean() + 0.5 * (p == n).mean())


def main(files: list[str]) -> None:
    import json

    from assistant.evaluation.questions import load_questions
    from assistant.retrieval.followup import parse_history, standalone_query
    from assistant.service import Assistant

    assistant = Assistant()
    assistant.ensure_index()
    from llama_cpp import Llama
    from llama_cpp.llama_chat_format import format_chatml

    # Its own instance: the answerer's keeps only the last position's logits.
    llm = Llama(model_path=str(assistant.generator.model_path), n_ctx=1024, n_threads=2, n_threads_batch=2,
                logits_all=True, verbose=False)
    first = lambda word: llm.tokenize(word.encode(), add_bos=False, special=False)[0]  # noqa: E731
    yes, no = [first(w) for w in ("Yes", " Yes", "yes")], [first(w) for w in ("No", " No", "no")]
    scores: dict[str, list[float]] = {"answerable": [], "unanswerable": [], "hard": []}
    for name in files:
        sorts = {json.loads(line)["id"]: json.loads(line).get("sort") for line in open(ROOT / name) if line.strip()}
        for q in load_questions(ROOT / name)[0]:
            query = standalone_query(q.question, parse_history(q.history))
            judged = assistant.assess(q.question, parse_history(q.history))
            best = sorted((s for e in judged.sources for s in e.sentences), key=lambda s: -s.score)[:3]
            messages = [{"role": "user", "content": PROMPT.format(text=" ".join(s.text for s in best), question=query)}]
            tokens = llm.tokenize(format_chatml(messages).prompt.encode(), add_bos=False, special=True)
            llm.reset()
            llm.eval(tokens)
            logits = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float64)
            logp = logits - np.logaddexp.reduce(logits)
            score = float(np.logaddexp.reduce(logp[yes]) - np.logaddexp.reduce(logp[no]))
            scores["answerable" if q.answerable else "unanswerable"].append(score)
            if not q.answerable and (sorts.get(q.id) or q.kind) in HARD:
                scores["hard"].append(score)
    print(f"AUC answerable vs unanswerable: {auc(scores['answerable'], scores['unanswerable']):.3f} "
          f"({len(scores['answerable'])} / {len(scores['unanswerable'])})")
    print(f"AUC answerable vs hard sorts:   {auc(scores['answerable'], scores['hard']):.3f} ({len(scores['hard'])})")


if __name__ == "__main__":
    main(sys.argv[1:] or TUNING)
