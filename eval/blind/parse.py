#!/usr/bin/env python3
"""Extract (title, abstract) pairs from the Daily Papers text dumps.

Usage: python3 parse.py            -> prints the paper count, writes papers.json
"""
import glob
import json
import os
import random
import re

SEED_DIR = "/work/shared/seeds"
HERE = os.path.dirname(os.path.abspath(__file__))

MONTHS = "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec"
CHROME_RE = [
    re.compile(r"^new$", re.I),
    re.compile(r"^get trending papers in your email inbox!?$", re.I),
    re.compile(r"^subscribe$", re.I),
    re.compile(r"^daily papers$", re.I),
    re.compile(r"^by\s*ak and the research community$", re.I),
    re.compile(r"^(%s)[a-z]*\.?\s+\d{1,2}(,\s*\d{4})?$" % MONTHS, re.I),
    re.compile(r"^\d+$"),
    re.compile(r"^\s*$"),
]


def is_chrome(par):
    return any(r.match(par.strip()) for r in CHROME_RE)


def paragraphs(text):
    pars = re.split(r"\n\s*\n", text)
    return [" ".join(p.split()) for p in pars if p.strip()]


def parse_file(path):
    with open(path, encoding="utf-8") as f:
        pars = [p for p in paragraphs(f.read()) if not is_chrome(p)]
    out = []
    i = 0
    while i < len(pars) - 1:
        p = pars[i]
        if len(p) < 300 and len(pars[i + 1]) >= 300:
            out.append((p, pars[i + 1]))
            i += 2
        else:
            i += 1
    return out


def load_papers():
    seen = {}
    for path in sorted(glob.glob(os.path.join(SEED_DIR, "*.txt"))):
        for title, abstract in parse_file(path):
            if title not in seen:
                seen[title] = abstract
    return [{"title": t, "abstract": a} for t, a in seen.items()]


def sample_order(papers):
    ordered = sorted(papers, key=lambda p: p["title"])
    random.Random(20261124).shuffle(ordered)
    return ordered


if __name__ == "__main__":
    papers = load_papers()
    print(len(papers))
    with open(os.path.join(HERE, "papers.json"), "w") as f:
        json.dump(sorted(papers, key=lambda p: p["title"]), f, indent=1)
    order = sample_order(papers)
    with open(os.path.join(HERE, "sample.txt"), "w") as f:
        for i, p in enumerate(order, 1):
            f.write("%d\t%s\n" % (i, p["title"]))
