#!/usr/bin/env python3
"""Validate questions.jsonl against the parsed corpus."""
import collections
import json
import os
import re
import sys

import parse

HERE = os.path.dirname(os.path.abspath(__file__))


def norm(s):
    s = s.lower().replace("×", "x")
    s = s.replace("times", "x")
    return " ".join(s.split())


def earlier_turns(history):
    """Turns in a history: each question string, or each user message of a chat-message history
    ([{"role": "user", ...}, {"role": "assistant", ...}], as `assistant ask --history` reads it)."""
    return sum(1 for t in history if isinstance(t, str) or t.get("role") == "user")


def main(path=os.path.join(HERE, "questions.jsonl")):
    papers = {p["title"]: p["abstract"] for p in parse.load_papers()}
    qs = [json.loads(l) for l in open(path) if l.strip()]
    errors = []
    kinds = collections.Counter()
    sorts = collections.Counter()
    gold_papers = set()
    ids = set()
    seen_q = set()
    fact_keys = collections.Counter()
    for q in qs:
        qid = q["id"]
        if qid in ids:
            errors.append(f"{qid}: duplicate id")
        ids.add(qid)
        if q["question"] in seen_q:
            errors.append(f"{qid}: duplicate question text")
        seen_q.add(q["question"])
        kinds[q["kind"]] += 1
        for k in ("id", "question", "history", "gold", "facts", "answerable", "kind"):
            if k not in q:
                errors.append(f"{qid}: missing field {k}")
        if q["answerable"]:
            if not q["gold"]:
                errors.append(f"{qid}: answerable but no gold")
            if not (1 <= len(q["facts"]) <= 3) and q["kind"] not in ("multi-paper", "compare"):
                errors.append(f"{qid}: {len(q['facts'])} facts")
            texts = []
            for g in q["gold"]:
                if g not in papers:
                    errors.append(f"{qid}: gold title not in corpus: {g!r}")
                    continue
                gold_papers.add(g)
                texts.append(norm(g + " " + papers[g]))
            for fact in q["facts"]:
                nw = len(fact.split())
                if nw > 5:
                    errors.append(f"{qid}: fact longer than 5 words: {fact!r}")
                if not any(norm(fact) in t for t in texts):
                    errors.append(f"{qid}: fact not found in gold: {fact!r}")
                fact_keys[(tuple(sorted(q["gold"])) if len(q["gold"]) == 1 else None, norm(fact))] += 1
            if q["kind"] in ("multi-paper", "compare"):
                if len(q["gold"]) < 2:
                    errors.append(f"{qid}: {q['kind']} needs >=2 gold")
                for g in q["gold"]:
                    t = norm(g + " " + papers.get(g, ""))
                    if not any(norm(f) in t for f in q["facts"]):
                        errors.append(f"{qid}: no fact for gold paper {g[:50]!r}")
            if q["kind"] == "follow-up" and earlier_turns(q["history"]) != 1:
                errors.append(f"{qid}: follow-up needs exactly 1 earlier turn")
        else:
            if q["gold"] or q["facts"]:
                errors.append(f"{qid}: unanswerable with gold/facts")
            s = q.get("sort")
            sorts[s] += 1
            if s not in ("absent-topic", "missing-detail", "near-topic"):
                errors.append(f"{qid}: bad sort {s!r}")
            if s == "missing-detail":
                if q.get("about") not in papers:
                    errors.append(f"{qid}: about not a corpus title")
    for (g, f), n in fact_keys.items():
        if g is not None and n > 1:
            errors.append(f"same single-paper fact tested {n} times: {g[0][:40]!r} / {f!r}")

    print("questions:", len(qs))
    print("by kind:", dict(kinds))
    print("unanswerable by sort:", dict(sorts))
    print("distinct gold papers:", len(gold_papers), "of", len(papers))
    if errors:
        print(f"{len(errors)} ERRORS")
        for e in errors:
            print("  ", e)
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
