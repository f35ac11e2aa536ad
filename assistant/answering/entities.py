"""Names in a question that the corpus has never seen ("AlphaFold", "GPT-4", "LoRA").

A question about a named model or system the indexed abstracts never mention cannot be
answered from them, however similar its other words are: similarity alone overlaps between
answerable and unanswerable questions, an unknown name does not.
"""

from __future__ import annotations

import re

from assistant.text import TermStats, tokenize

# Mixed case, digits or all caps inside a word: how model and system names are written.
_NAME = re.compile(r"\b(?=[A-Za-z0-9\-]*[A-Za-z])(?:[A-Z][a-z0-9]*[A-Z0-9][\w\-]*|[A-Za-z]+-?\d[\w\-]*|[A-Z]{2,}[\w\-]*)")


def question_names(question: str) -> list[str]:
    return [m.group(0) for m in _NAME.finditer(question)]


def unknown_names(question: str, terms: TermStats) -> list[str]:
    """Names none of whose folded forms occur in the corpus vocabulary."""
    missing = []
    for name in question_names(question):
        forms = tokenize(name)
        if forms and not terms.known(forms[0]):
            missing.append(name)
    return missing
