#!/usr/bin/env python3
"""Validate blind2/questions.jsonl against the parsed corpus.

Runs the checks of ../blind/validate.py (gold titles exist, facts occur in a
gold abstract after normalisation, facts <= 5 words, ids and question texts
unique, counts per kind, same single-paper fact not tested twice, one earlier
turn per follow-up), then a few checks specific to this set: id format, required per-kind counts, paper
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


def main(path=os.path.join(HERE, "questions.jsonl")):
    rc = base.main(path)
    rc2 = extra_checks(path)
    return rc or rc2


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
