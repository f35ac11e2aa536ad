"""Run as a process by test_kills.py and test_memory.py: ingest files into an index with the
hashing embedder (fast enough for thousands of records), print the report as JSON and the
peak RSS in kB.

    python tests/ingest_worker.py INDEX_DIR SLICE FILE...
"""

import json
import resource
import sys
from pathlib import Path

from assistant.models.hashing import HashingEmbedder
from assistant.service import Assistant
from assistant.settings import Settings

index_dir, slice_size, *files = sys.argv[1:]
embedder = HashingEmbedder()
assistant = Assistant(Settings(index_dir=Path(index_dir), ingest_slice=int(slice_size)), embedder=embedder,
                      ingest_embedder=embedder)
report = assistant.ingest(assistant.load([Path(f) for f in files]))
print(json.dumps({**report.as_dict(), "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), flush=True)
