"""The abstracts assistant: grounded, cited answers over research-paper abstracts, offline.

The library is usable without the CLI or the TUI: `Assistant` is the one service object all
interfaces share. Heavy dependencies (torch, chromadb, llama_cpp) load on first use, never at
import time.
"""

__version__ = "0.1.0"

__all__ = ["Assistant", "Settings", "__version__"]


def __getattr__(name: str):
    # Lazy exports keep `import assistant` (and `assistant --help`) free of heavy imports.
    if name == "Assistant":
        from assistant.service import Assistant

        return Assistant
    if name == "Settings":
        from assistant.settings import Settings

        return Settings
    raise AttributeError(name)
