"""The Textual chat (`assistant chat`). Imported only by that command: textual stays off the
one-shot CLI's import path."""
