"""A logistic regression stored as data: the refusal policy and the evidence ranker are both
fitted offline on the tuning questions (`eval/fit_refusal.py`, `eval/fit_evidence.py`) and
shipped as their coefficients, never as code."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Logistic:
    """P = logistic(intercept + sum of weight * (feature - mean) / scale)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    intercept: float
    fitted_on: str = ""

    def probability(self, values: Mapping[str, float]) -> float:
        z = self.intercept + sum(w * (values[f] - m) / sc for f, m, sc, w in
                                 zip(self.features, self.mean, self.scale, self.weights))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """One probability per row of `X`, its columns in the order of `features`."""
        z = self.intercept + ((X - np.array(self.mean)) / np.array(self.scale)) @ np.array(self.weights)
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict):
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})
