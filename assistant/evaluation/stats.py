"""The one bootstrap: a 95% interval for a mean (of values, or of paired differences)."""

from __future__ import annotations

import numpy as np

RESAMPLES = 2000


def bootstrap_ci(values, resamples: int = RESAMPLES, seed: int = 0) -> tuple[float, float] | None:
    data = np.asarray(values, dtype=float)
    if len(data) < 2:
        return None
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, len(data), (resamples, len(data)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def quantiles(values) -> dict:
    if not len(values):
        return {"p50": None, "p95": None, "n": 0}
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95)), "n": len(values)}
