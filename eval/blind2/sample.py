#!/usr/bin/env python3
"""Order the corpus papers with a fixed NEW seed and write sample.txt (position<TAB>title)."""
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "blind"))
import parse  # noqa: E402

SEED = 20261125


def order():
    papers = sorted(parse.load_papers(), key=lambda p: p["title"])
    random.Random(SEED).shuffle(papers)
    return papers


if __name__ == "__main__":
    ps = order()
    with open(os.path.join(HERE, "sample.txt"), "w") as f:
        for i, p in enumerate(ps, 1):
            f.write("%d\t%s\n" % (i, p["title"]))
    print(len(ps), "papers written to sample.txt")
