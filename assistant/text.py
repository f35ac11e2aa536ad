"""Text handling every stage shares: the tokenizer (folding, stemming, stopwords) that BM25,
retrieval and answering must agree on, and the one sentence splitter for abstracts and answers.

`TermStats` is what answering needs to know about the indexed vocabulary (how rare a term is,
whether the corpus has it at all), so that it never depends on the index's internals.
"""

from __future__ import annotations

import re
from typing import Protocol

_TOKEN = re.compile(r"[a-z0-9]+(?:[.\-][a-z0-9]+)*")
STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing done down during each
    few for from further had has have having he her here hers him his how i if in into is it
    its itself just me more most my no nor not of off on once only or other our out over own
    same she should so some such than that the their them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your paper papers abstract abstracts propose proposed show shows
    present presents use used using via new method methods approach approaches work study""".split()
)


def stem(token: str) -> str:
    """A light suffix strip: enough to match plurals and -ing/-ed forms, cheap at query time."""
    for suffix, min_len in (("ies", 5), ("ing", 6), ("ed", 5), ("es", 5), ("s", 4)):
        if token.endswith(suffix) and len(token) >= min_len and not token.endswith("ss"):
            return token[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return token


def tokenize(text: str) -> list[str]:
    tokens: list[str] = []
    for raw in _TOKEN.findall(text.casefold()):
        # "auto-encoders" matches "autoencoders" and "auto encoders": keep both forms.
        parts = re.split(r"[.\-]", raw)
        words = [raw.replace("-", "").replace(".", "")] + (parts if len(parts) > 1 else [])
        tokens.extend(stem(w) for w in words if w and w not in STOPWORDS)
    return tokens


class TermStats(Protocol):
    """The indexed vocabulary as answering sees it (the lexical index implements it)."""

    def term_idf(self, token: str) -> float:
        """Inverse document frequency; a term the corpus never uses counts as the rarest."""
        ...

    def known(self, token: str) -> bool:
        """Whether any indexed paper uses the (tokenized) term."""
        ...


def term_coverage(query_terms: list[str], text_terms: set[str], terms: TermStats) -> float:
    """Share of the question's information (IDF mass) that the text mentions."""
    if not query_terms:
        return 0.0
    unique = set(query_terms)
    total = sum(terms.term_idf(t) for t in unique)
    found = sum(terms.term_idf(t) for t in unique if t in text_terms)
    return found / total if total else 0.0


_ABBREV = re.compile(r"\b(e\.g|i\.e|et al|etc|vs|cf|fig|eq|approx|resp|incl|no|sec)\.$", re.I)
# A sentence ends at . ! or ? (closing quotes and brackets stay with it) before a capital, a
# digit or an opening bracket; in model answers also after a citation group before a capitalised
# word ("... fast [1] It ..."), which abstracts' own "[6, 7] (FlashAttention ...)" never is.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[A-Z(\[\"'0-9])|(?<=\])\s+(?=[A-Z][a-z])")


# Chat-template markup ("<|im_start|>", "<start_of_turn>", "[INST]") is never prose: text on
# either side of it belongs to different sentences, and the markup itself to none. (Found by an
# abstract carrying a fake system turn: glued to the finding after it, it was quoted with it.)
_MARKUP = re.compile(r"<\|[A-Za-z_]{1,30}\|>|</?(?:start|end)_of_turn>|\[/?INST\]|</?s>")


def split_sentences(text: str) -> list[str]:
    """Sentences of an abstract or an answer: aware of "e.g.", "et al.", decimals, initials."""
    sentences: list[str] = []
    for chunk in _MARKUP.split(text.strip()) if _MARKUP.search(text) else [text]:
        _split_chunk(chunk, sentences)
    return sentences


def _split_chunk(text: str, sentences: list[str]) -> None:
    for piece in _BOUNDARY.split(text.strip()):
        piece = piece.strip()
        if not piece:
            continue
        # Glue back a split made after an abbreviation or a single initial ("J. Smith").
        if sentences and (_ABBREV.search(sentences[-1]) or re.search(r"\b[A-Z]\.$", sentences[-1])):
            sentences[-1] = f"{sentences[-1]} {piece}"
        else:
            sentences.append(piece)


# Text from a corpus or a model is shown on the user's terminal. Escape sequences in it could
# write the clipboard (OSC 52), clear the screen (CSI 2J), retitle the window, ring the bell or
# move the cursor to overwrite what was printed; bidi overrides (U+202E) reorder what is shown.
# Whole sequences go (their payload too); then every control character left but newline and
# tab. The 8-bit C1 forms (U+0080-U+009F) count: some terminals act on them.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI (ESC [ or its 8-bit form) ... final byte
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC, DCS, SOS, PM, APC
    r"|\x1b[ -/]*[0-~]"  # any other escape: ESC c (reset), ESC 7 / ESC 8, charset switches
)
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(text: str) -> str:
    """`text` as it may be shown on a terminal: escape sequences, control characters (but
    newline and tab) and bidi embeddings, overrides and isolates removed; a carriage return
    becomes a newline. For display only: stored text stays as it was."""
    if text.isprintable():  # the common case: nothing to remove, not even a newline
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", _ESCAPE_SEQUENCE.sub("", text))
