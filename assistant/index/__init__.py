"""The index: papers and MiniLM vectors in the store of record, and the read side (papers,
vector matrix, BM25) that questions read."""

from assistant.index.ingest import IngestReport, ProgressFn
from assistant.index.paper_index import PaperIndex

__all__ = ["IngestReport", "PaperIndex", "ProgressFn"]
