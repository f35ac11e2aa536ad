"""Retrieval: follow-ups made standalone, hybrid search (dense + BM25) with filters, fused."""

from assistant.retrieval.filters import Filters, parse_years
from assistant.retrieval.followup import Turn, parse_history, standalone_query
from assistant.retrieval.hits import Hit

__all__ = ["Filters", "Hit", "Turn", "parse_history", "parse_years", "standalone_query"]
