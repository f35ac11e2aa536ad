"""Dense search over a segment large enough for the two-pass path (weighted sign-bit distance,
then exact rescoring of a shortlist): against the exact scan on clustered vectors, with deleted
rows and year limits honoured. Recall at 1M is measured by benchmarks/scale.py."""

import numpy as np

from assistant.index import dense
from assistant.index.segment import sign_codes


def clustered(n, dim=384, centres=300, seed=0):
    rng = np.random.default_rng(seed)
    base = rng.standard_normal((centres, dim)).astype(np.float32)
    v = base[rng.integers(0, centres, n)] + rng.standard_normal((n, dim)).astype(np.float32) * 0.6
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_the_two_pass_search_finds_the_exact_top_10():
    everything = clustered(dense.EXACT_ROWS + 20_040)
    vectors, queries = everything[:-40], everything[-40:]  # questions near the same topics
    years = np.where(np.arange(len(vectors)) % 2, 2020, 2024).astype(np.int32)
    alive = np.ones(len(vectors), dtype=bool)
    alive[::7] = False
    part = dense.DensePart(vectors, sign_codes(vectors), years, alive)
    hits = 0
    for q in queries:
        exact = np.where(alive & (years >= 2024), vectors @ q, -np.inf)
        truth = set(np.argsort(-exact)[:10].tolist())
        rows, scores = dense.search_part(part, q, 10, years=(2024, None))
        assert alive[rows].all() and (years[rows] >= 2024).all()
        assert np.allclose(scores, vectors[rows] @ q)  # the scores are exact cosines
        hits += len(truth & set(rows.tolist()))
    assert hits / (10 * len(queries)) >= 0.97


def test_the_weighted_distance_counts_disagreements():
    rng = np.random.default_rng(2)
    vectors = rng.standard_normal((100, 384)).astype(np.float32)
    q = vectors[0]
    distance = dense._distance(sign_codes(vectors), q)
    assert distance[0] == 0
    plain = np.bitwise_count(sign_codes(vectors) ^ sign_codes(q[None, :])[0]).sum(axis=1)
    assert ((distance > 0) == (plain > 0)).all() and (distance >= plain).all()


def test_the_weighted_distance_equals_its_definition():
    """Per dimension: a sign disagreement costs `weight` in the query's larger-magnitude half and
    1 in the other half (computed here from the floats, not the packed bits)."""
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((dense.BLOCK + 500, 384)).astype(np.float32)  # more than one block
    q = rng.standard_normal(384).astype(np.float32)
    magnitude = np.abs(q)
    high = np.zeros(384, dtype=bool)
    high[np.argsort(-magnitude)[:192]] = True
    weight = min(15, max(1, round(float(magnitude[high].mean() / magnitude[~high].mean()))))
    disagree = (vectors > 0) != (q > 0)
    expected = disagree[:, high].sum(axis=1) * weight + disagree[:, ~high].sum(axis=1)
    assert (dense._distance(sign_codes(vectors), q) == expected).all()
