"""Validate questions.jsonl for blind3."""
import json, re, sys, os
from collections import Counter
sys.path.insert(0, "/work/main/eval/blind"); import parse

HERE = os.path.dirname(os.path.abspath(__file__))
PAPERS = {p["title"]: p["abstract"] for p in parse.load_papers()}
EXPECT = {("paraphrase", None): 36, ("lookup", None): 24,
          ("unanswerable", "missing-detail"): 30, ("unanswerable", "near-topic"): 30}
STOP = set("""a an the of to in on for and or with by from at as is are was were be been being it its this that these those
which what who whom whose how why when where whether does do did done can could would should will shall may might must
there their them they than then so such not no nor into onto over under about after before between through during without
within instead also just only even very much many more most some any each every one two other another same both all
has have had having i we you he she our your his her my me us if but while because yet still e g eg using use used vs""".split())

def norm(s): return re.sub(r"\s+", " ", s).strip().lower()
def words(s): return [w for w in re.findall(r"[a-z0-9]+", s.lower()) if w not in STOP and len(w) > 1]

errors = []
rows = []
for i, line in enumerate(open(os.path.join(HERE, "questions.jsonl"))):
    try: rows.append(json.loads(line))
    except Exception as e: errors.append(f"line {i+1}: bad JSON {e}")

ids = [r["id"] for r in rows]
if len(ids) != len(set(ids)): errors.append("duplicate ids")
for k, v in Counter(ids).items():
    if not re.fullmatch(r"t3-\d{3}", k): errors.append(f"bad id {k}")

counts = Counter((r["kind"], r.get("sort")) for r in rows)
for k, n in EXPECT.items():
    if counts.get(k, 0) != n: errors.append(f"count {k}: {counts.get(k,0)} != {n}")
if len(rows) != 120: errors.append(f"total {len(rows)} != 120")

use = Counter()
overlaps = []
for r in rows:
    for f in ("question", "history", "gold", "facts", "answerable", "kind"):
        if f not in r: errors.append(f"{r['id']}: missing field {f}")
    for g in r["gold"]:
        if g not in PAPERS: errors.append(f"{r['id']}: gold not in corpus: {g}")
        use[g] += 1
    if r["answerable"]:
        if not r["gold"] or not r["facts"]: errors.append(f"{r['id']}: answerable needs gold+facts")
        if not 1 <= len(r["facts"]) <= 3: errors.append(f"{r['id']}: 1-3 facts")
        for f in r["facts"]:
            if len(f.split()) > 5: errors.append(f"{r['id']}: fact over 5 words: {f}")
            if not any(norm(f) in norm(PAPERS.get(g, "")) for g in r["gold"]):
                errors.append(f"{r['id']}: fact not in gold abstract: {f!r}")
    else:
        if r["gold"] or r["facts"]: errors.append(f"{r['id']}: unanswerable must have empty gold/facts")
        if r.get("sort") not in ("missing-detail", "near-topic"): errors.append(f"{r['id']}: bad sort")
        if r.get("sort") == "missing-detail":
            if r.get("about") not in PAPERS: errors.append(f"{r['id']}: about not in corpus: {r.get('about')}")
            use[r.get("about")] += 1
    if r["kind"] == "paraphrase":
        qw = set(words(r["question"]))
        aw = set(words(PAPERS[r["gold"][0]]))
        share = len(qw & aw) / max(1, len(qw))
        overlaps.append((share, r["id"]))

for t, n in use.items():
    if n > 3: errors.append(f"paper used {n} times: {t}")

print("counts:", {f"{k[0]}/{k[1]}" if k[1] else k[0]: v for k, v in sorted(counts.items(), key=str)})
print("distinct papers named (gold/about):", len(use))
if overlaps:
    avg = sum(s for s, _ in overlaps) / len(overlaps)
    print(f"paraphrase content-word overlap with gold abstract: mean {avg:.3f}, max {max(overlaps)[0]:.3f} ({max(overlaps)[1]})")
    print("  highest:", ", ".join(f"{i}={s:.2f}" for s, i in sorted(overlaps, reverse=True)[:5]))
    if avg >= 0.4: errors.append(f"mean paraphrase overlap {avg:.3f} >= 0.4")
if errors:
    print("FAIL"); [print("  -", e) for e in errors]; sys.exit(1)
print("PASS")
