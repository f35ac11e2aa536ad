"""The real `assistant` CLI with the hashing embedder and a scripted generator injected, for
subprocess tests that need a model to say something exact (hostile output, say).

    python tests/scripted_cli.py ARGS...     (SCRIPTED_REPLY: what the model answers)

Everything else is the product: click, the service, a real Chroma and read side.
"""

from __future__ import annotations

import os

from assistant import service
from assistant.models.hashing import HashingEmbedder
from assistant.models.scripted import ScriptedGenerator

_build = service.Assistant.__init__


def _scripted(self, settings=None, paths=None, **components):
    components.setdefault("embedder", HashingEmbedder())
    components.setdefault("generator", ScriptedGenerator(os.environ.get("SCRIPTED_REPLY", "")))
    _build(self, settings, paths, **components)


service.Assistant.__init__ = _scripted

if __name__ == "__main__":
    from assistant.cli.main import main

    main()
