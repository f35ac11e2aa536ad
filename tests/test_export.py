"""Chat export: document-wide citation numbers, a reference list, BibTeX that LaTeX accepts."""

from assistant.answering import AnswerRecord, CitationRecord
from assistant.chat.store import Chat, ChatTurn
from assistant.corpus import Paper
from assistant.chat.export import bibtex, chat_markdown


def paper(pid, title, **meta):
    return Paper(pid, title, "An abstract.", **meta)


PAPERS = {
    "a": paper("a", "SpecTr: Fast Speculative Decoding via Optimal Transport", authors=("Ziteng Sun", "Ananda Suresh"),
               date="2023-10-23", arxiv_id="2310.15141"),
    "b": paper("b", "Learning 50% & more_with {braces}", authors=("Ana Ruiz",), date="2024-01-02"),
}


def lookup(ids):
    return {i: PAPERS[i] for i in ids if i in PAPERS}


def answer(text, cited):
    return AnswerRecord("?", text, citations=[CitationRecord(ref, pid, PAPERS[pid].title) for ref, pid in cited])


def test_markdown_renumbers_citations_across_the_chat_and_lists_references():
    chat = Chat(1, "Decoding", 0, 0, [
        ChatTurn(1, 1, "First?", "done", answer("SpecTr is fast [1].", [(1, "a")])),
        ChatTurn(2, 1, "Second?", "done", answer("B says so [1], as does SpecTr [2].", [(1, "b"), (2, "a")])),
        ChatTurn(3, 1, "Third?", "cancelled"),
    ])
    text = chat_markdown(chat, lookup)
    assert "SpecTr is fast [1]." in text
    assert "B says so [2], as does SpecTr [1]." in text  # numbered once for the whole document
    assert "_(cancelled: no answer)_" in text
    refs = text.split("## References")[1]
    assert "- [1] SpecTr: Fast Speculative Decoding via Optimal Transport. Ziteng Sun, Ananda Suresh. 2023." in refs
    assert "<https://arxiv.org/abs/2310.15141>" in refs
    assert refs.index("[1]") < refs.index("[2]")


def test_bibtex_escapes_specials_and_keys_are_unique():
    twin = paper("c", "SpecTr again", authors=("Ziteng Sun",), date="2023-05-01")
    bib = bibtex([PAPERS["a"], PAPERS["b"], twin])
    assert "@misc{sun2023spectr," in bib and "@misc{sun2023spectra," in bib
    assert "eprint = {2310.15141}" in bib and "archivePrefix = {arXiv}" in bib
    assert r"Learning 50\% \& more\_with \{braces\}" in bib
    assert bib.count("@misc{") == 3
