import sys, random
sys.path.insert(0, "/work/main/eval/blind"); import parse
papers = sorted(parse.load_papers(), key=lambda p: p["title"])
random.Random(20261204).shuffle(papers)
with open("/work/main/eval/blind3/sample.txt", "w") as f:
    for i, p in enumerate(papers):
        f.write(f"{i}\t{p['title']}\n")
