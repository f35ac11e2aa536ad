"""Do stored sentence vectors change what the answerer decides? For each question, evidence is
scored with the sentences embedded now and with the stored ones; prints the largest score
difference and how many questions' chosen evidence or refusal decision differ.

    ASSISTANT_HOME=H python eval/check_stored_sentences.py eval/questions/dev.jsonl [...]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answering.evidence import choose  # noqa: E402
from assistant.answering.grounded import assess  # noqa: E402
from assistant.evaluation.questions import load_questions  # noqa: E402
from assistant.retrieval.followup import parse_history, standalone_query  # noqa: E402
from assistant.service import Assistant  # noqa: E402


def main(files: list[str]) -> None:
    a = Assistant()
    a.ensure_index()
    worst, changed, decisions, n = 0.0, 0, 0, 0
    for name in files:
        for q in load_questions(ROOT / name)[0]:
            query = standalone_query(q.question, parse_history(q.history))
            vector = a.retriever.embed_query(query)
            hits = a.retriever.search(query, a.k, a.settings.retrieval, vector)
            now = assess(q.question, query, hits, vector, a.embedder, a.index.lexical)
            stored = assess(q.question, query, hits, vector, a._sentence_embedder(), a.index.lexical)
            worst = max([worst] + [abs(x.score - y.score) for e1, e2 in zip(now.evidence, stored.evidence)
                                   for x, y in zip(e1.sentences, e2.sentences)])
            decisions += now.decision.refuse != stored.decision.refuse
            texts = [[[s.text for s in p] for p in choose(j.sources, j.several)] for j in (now, stored)]
            changed += texts[0] != texts[1]
            n += 1
    print(f"{n} questions: largest sentence-score difference {worst:.2e}; chosen evidence differs in {changed}; "
          f"refusal decision in {decisions}")


if __name__ == "__main__":
    main(sys.argv[1:])
