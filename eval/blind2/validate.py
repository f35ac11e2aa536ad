#!/usr/bin/env python3
"""Validate blind2/questions.jsonl against the parsed corpus.

Re-implements the checks of ../blind/validate.py (gold titles exist, facts
occur in a gold abstract after normalisation, facts <= 5 words, ids and
question texts unique, counts per kind, same single-paper fact not tested
twice), with one difference: a follow-up's history is ONE earlier turn written
as two messages [user, assistant] (the format the brief asks for), whereas
../blind/validate.py expects a history list of length 1. Then a few checks
specific to this set: id format, required per-kind counts, paper
usage <= 3, follow-up history shape, missing-detail 'about', and (for
unanswerable absent-topic / near-topic questions) a reminder list of keywords
that must not match any abstract.
"""
import collections
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "blind"))
import parse  # noqa: E402
import validate as base  # noqa: E402  (the shared validator in ../blind; norm() reused)

WANT = {"lookup": 30, "paraphrase": 22, "numeric": 18, "multi-paper": 14,
        "compare": 12, "follow-up": 12, "unanswerable": 30}
WANT_SORT = {"absent-topic": 10, "missing-detail": 10, "near-topic": 10}
# keywords of absent-topic questions: none may occur in any title+abstract
ABSENT_KEYWORDS = ["protein", "amino", "federated", "hospital", "rlhf", "reward hacking",
                   "drone", "uav", "randomized smoothing", "certified", "spiking",
                   "neuromorphic", "fairness", "credit", "lending", "molecule", "drug",
                   "legal", "contract", "slam", "localization and mapping"]


def extra_checks(path):
    papers = {p["title"]: p["abstract"] for p in parse.load_papers()}
    qs = [json.loads(l) for l in open(path) if l.strip()]
    errors = []
    kinds = collections.Counter(q["kind"] for q in qs)
    sorts = collections.Counter(q.get("sort") for q in qs if not q["answerable"])
    for k, n in WANT.items():
        if kinds[k] < n:
            errors.append(f"kind {k}: {kinds[k]} < {n}")
    for s, n in WANT_SORT.items():
        if sorts[s] < n:
            errors.append(f"sort {s}: {sorts[s]} < {n}")
    if set(kinds) - set(WANT):
        errors.append(f"unknown kinds: {set(kinds) - set(WANT)}")
    use = collections.Counter()
    for i, q in enumerate(qs, 1):
        if q["id"] != "h2-%03d" % i:
            errors.append(f"{q['id']}: expected id h2-{i:03d}")
        for g in q["gold"]:
            use[g] += 1
        if q.get("about"):
            use[q["about"]] += 1
        if q["kind"] == "follow-up":
            h = q["history"]
            if [t.get("role") for t in h] != ["user", "assistant"]:
                errors.append(f"{q['id']}: follow-up history must be [user, assistant]")
        elif q["history"]:
            errors.append(f"{q['id']}: non-follow-up with history")
        if q["kind"] == "compare" and len(q["gold"]) != 2:
            errors.append(f"{q['id']}: compare needs exactly 2 gold")
        if q["kind"] == "multi-paper" and not 2 <= len(q["gold"]) <= 3:
            errors.append(f"{q['id']}: multi-paper needs 2-3 gold")
        if q["kind"] == "multi-paper" and len(q["facts"]) != len(q["gold"]):
            errors.append(f"{q['id']}: multi-paper needs one fact per gold paper")
    for t, n in use.items():
        if n > 3:
            errors.append(f"paper used {n} times: {t[:60]!r}")
    corpus = " ".join(base.norm(t + " " + a) for t, a in papers.items())
    for kw in ABSENT_KEYWORDS:
        if re.search(r"\b" + re.escape(kw) + r"\b", corpus):
            errors.append(f"absent-topic keyword occurs in corpus: {kw!r}")
    print("distinct papers used:", len(use), "max uses per paper:", max(use.values()))
    if errors:
        print(f"{len(errors)} EXTRA ERRORS")
        for e in errors:
            print("  ", e)
        return 1
    print("extra checks passed")
    return 0


def base_checks(path):
    """Same logic as ../blind/validate.py main(), follow-up history adapted."""
    norm = base.norm
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
                if len(fact.split()) > 5:
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
            if q["kind"] == "follow-up" and len(q["history"]) != 2:
                errors.append(f"{qid}: follow-up needs exactly 1 earlier turn (user + assistant)")
        else:
            if q["gold"] or q["facts"]:
                errors.append(f"{qid}: unanswerable with gold/facts")
            srt = q.get("sort")
            sorts[srt] += 1
            if srt not in ("absent-topic", "missing-detail", "near-topic"):
                errors.append(f"{qid}: bad sort {srt!r}")
            if srt == "missing-detail" and q.get("about") not in papers:
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
    print("base checks passed")
    return 0


def main(path=os.path.join(HERE, "questions.jsonl")):
    rc = base_checks(path)
    rc2 = extra_checks(path)
    return rc or rc2


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
