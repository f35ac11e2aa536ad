"""Abstract sentences embedded at ingest: a question over ingested papers embeds none of them,
gets the vectors it would have computed, and a missing or damaged store only costs time."""

import numpy as np

from assistant.corpus import load_corpus
from assistant.index import PaperIndex
from assistant.index.sentences import SentenceVectors, StoredSentenceEmbedder, abstract_sentences
from assistant.models.hashing import HashingEmbedder
from conftest import DATA


class Counting(HashingEmbedder):
    """The hashing embedder, counting the texts it is asked to embed."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []

    def encode(self, texts, on_batch=None):
        self.texts.extend(texts)
        return super().encode(texts, on_batch)


def _papers():
    return load_corpus([DATA / "tiny.jsonl"]).papers


def test_ingest_stores_every_sentence_and_a_question_embeds_none(tmp_path):
    papers = _papers()
    index = PaperIndex(tmp_path / "idx", HashingEmbedder())
    index.ingest(papers)
    sentences = [s for p in papers for s in abstract_sentences(p.abstract)]
    counting = Counting()
    stored = StoredSentenceEmbedder(counting, index.sentences)
    vectors = stored.encode(sentences)
    assert counting.texts == []
    np.testing.assert_allclose(vectors, HashingEmbedder().encode(sentences), atol=1e-3)
    # A text never ingested (a model's sentence being verified) is embedded, in its place.
    mixed = stored.encode([sentences[0], "a sentence no abstract holds", sentences[-1]])
    assert counting.texts == ["a sentence no abstract holds"]
    np.testing.assert_allclose(mixed[1], HashingEmbedder().encode_one("a sentence no abstract holds"), atol=1e-6)
    np.testing.assert_allclose(mixed[[0, 2]], vectors[[0, -1]], atol=1e-6)


def test_a_changed_abstract_embeds_only_its_new_sentence_and_clear_removes_the_store(tmp_path):
    import dataclasses

    papers = _papers()
    counting = Counting()
    index = PaperIndex(tmp_path / "idx", counting)
    index.ingest(papers)
    first = len(counting.texts)
    index.ingest(papers)
    assert len(counting.texts) == first  # unchanged papers: neither they nor their sentences
    changed = dataclasses.replace(papers[0], abstract=papers[0].abstract + " A sentence added in version two.")
    counting.texts.clear()
    index.ingest([changed])
    assert counting.texts == [changed.embedding_text, "A sentence added in version two."]
    index.clear()
    assert not index.sentences.path.exists()


def test_without_stored_sentences_or_with_a_damaged_store_the_vectors_are_the_same(tmp_path):
    papers = _papers()
    index = PaperIndex(tmp_path / "idx", HashingEmbedder(), sentence_vectors=False)
    index.ingest(papers)
    assert not index.sentences.path.exists()
    sentences = [s for p in papers for s in abstract_sentences(p.abstract)][:20]
    expected = HashingEmbedder().encode(sentences)
    np.testing.assert_allclose(StoredSentenceEmbedder(HashingEmbedder(), index.sentences).encode(sentences), expected)
    index.sentences.path.write_bytes(b"not a database" * 100)
    np.testing.assert_allclose(StoredSentenceEmbedder(HashingEmbedder(), index.sentences).encode(sentences), expected)


def test_vectors_of_another_embedder_are_never_used(tmp_path):
    store = SentenceVectors(tmp_path / "s.sqlite", "hashing-bow")
    store.fill(["One sentence here. Another one there."], HashingEmbedder())

    class Other(Counting):
        name = "another-model"

    other = Other()
    StoredSentenceEmbedder(other, store).encode(["One sentence here."])
    assert other.texts == ["One sentence here."]


def test_an_answer_over_ingested_papers_embeds_only_the_question_and_the_model_s_sentences(tmp_path):
    from assistant.models.scripted import ScriptedGenerator
    from assistant.service import Assistant
    from assistant.settings import Settings

    counting = Counting()
    assistant = Assistant(Settings(index_dir=tmp_path / "idx"), embedder=counting,
                          generator=ScriptedGenerator("It reconstructs polygonal meshes [1]."))
    papers = _papers()
    assistant.ingest(assistant.load([DATA / "tiny.jsonl"]))
    counting.texts.clear()
    result = assistant.ask(f"What does '{papers[0].title}' do?")
    abstract = {s for p in papers for s in abstract_sentences(p.abstract)}
    assert counting.texts and not abstract & set(counting.texts)
    assert result.sources  # it answered, from evidence scored with the stored vectors
