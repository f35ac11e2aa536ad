"""Offline evaluation: question sets in, per-question verdicts and summary metrics out."""
