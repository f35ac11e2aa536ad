"""Which papers a question names: "What does BSP-Net output?", "How do Pointer Networks and
'Order Matters' differ?", "What does the MixedAE paper change?".

A paper goes by its title's head ("SpecTr: Fast ..." -> SpecTr), by a short title as a whole
("Pointer Networks"), and by the names its abstract gives it ("... named StackVAE-G", "Mixed
Autoencoder (MixedAE)"). A question names the paper when one of these appears in it as a phrase
(case, accents and punctuation ignored), or when it quotes the start of the title. A one-word
name counts only when it is rare in the corpus: "Learning" names nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.corpus import Paper, normalise_title
from assistant.text import tokenize

MAX_NAME_WORDS = 8  # a longer title is described, not named
# "... named StackVAE-G", "termed ReGENN": how abstracts introduce the name of what they propose;
# "Mixed Autoencoder (MixedAE)" too, but only when the words before the brackets are the title's
# (an abstract also abbreviates what it merely uses: "mean squared error (MSE)").
_NAMED = re.compile(r"\b(?:named|called|dubbed|termed|coined)(?:\s+as)?\s+([A-Z][\w\-.]*[A-Za-z0-9])")
# Found in two steps, the brackets first and then the up to four words before them, within
# _LOOK_BACK characters: the one pattern r"((?:[\w\-]+\s+){1,4})\(...\)" (the same matches where
# those words fit in that window) retried its word loop at every character of the abstract, 1 ms a
# paper, 100 ms a question at 50-100 candidates.
_ABBREVIATION = re.compile(r"\(\s*([A-Za-z][\w\-.]*[A-Z0-9][\w\-]*)\s*\)")
_WORDS_BEFORE = re.compile(r"(?:[\w\-]+\s+){1,4}\Z")
_LOOK_BACK = 400  # characters searched for the words before a bracket
_QUOTED = re.compile(r"[\"'“‘]([^\"'“”‘’]{6,})[\"'”’]")


def abbreviations(text: str) -> list[tuple[str, str]]:
    """(the up to four words before, the abbreviation) of each "words (ABBR)" in the text."""
    found = []
    for match in _ABBREVIATION.finditer(text):
        words = _WORDS_BEFORE.search(text, max(0, match.start() - _LOOK_BACK), match.start())
        if words:
            found.append((words.group(0), match.group(1)))
    return found


def paper_names(paper: Paper) -> set[str]:
    """The normalised phrases a paper goes by."""
    names = set()
    head, sep, _ = paper.title.partition(":")
    if sep and len(head.split()) <= MAX_NAME_WORDS:
        names.add(head)
    if not sep and len(paper.title.split()) <= MAX_NAME_WORDS:
        names.add(paper.title)
    names.update(match.group(1) for match in _NAMED.finditer(paper.abstract))
    title = f" {normalise_title(paper.title)} "
    for words, abbreviation in abbreviations(paper.abstract):
        words = normalise_title(words).split()
        if any(f" {' '.join(words[i:])} " in title for i in range(len(words) - 1)):
            names.add(abbreviation)
    return {n for n in (normalise_title(name) for name in names) if n}


def names_paper(question: str, paper: Paper, rare: Callable[[str], bool]) -> bool:
    """Whether the question names `paper`; `rare(token)`: the token names few papers."""
    text = f" {normalise_title(question)} "
    for name in paper_names(paper):
        if f" {name} " not in text:
            continue
        tokens = tokenize(name)
        if len(name.split()) > 1 and tokens:
            return True
        if tokens and all(rare(t) for t in tokens[:1]):
            return True
    title = normalise_title(paper.title)
    return any(len(span.split()) >= 2 and title.startswith(normalise_title(span))
               for span in _QUOTED.findall(question))
