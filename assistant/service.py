"""`Assistant`: the one service object behind the CLI, the chat, evaluation and HTTP.

It builds the components from settings (or takes injected ones: an embedder, a generator, a
store) and holds what a session changes at run time (k, filters, the model), so that the
settings it was built from are never mutated.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.demo import DEMO, USER, IndexOrigin
from assistant.errors import IndexUnavailable
from assistant.paths import Paths, user_paths
from assistant.retrieval.filters import Filters
from assistant.settings import Settings, index_dir, load_settings

# The rest is imported where it is first used: a cold `ask` starts loading the query embedder
# (0.25 s in ONNX Runtime, mostly outside the GIL) before the index and pipeline modules import.
if TYPE_CHECKING:
    from assistant.answering import Answer
    from assistant.corpus import Corpus, CorpusLoad, Paper
    from assistant.index import IngestReport, PaperIndex, ProgressFn
    from assistant.index.store import PaperStore
    from assistant.models import Embedder, Generator
    from assistant.models.gguf import ModelInfo
    from assistant.retrieval import Hit, Turn
    from assistant.retrieval.retriever import Retriever


def _quietly(job) -> None:
    try:
        job()
    except Exception:
        pass


class Assistant:
    def __init__(
        self,
        settings: Settings | None = None,
        paths: Paths | None = None,
        *,
        embedder: Embedder | None = None,
        ingest_embedder: Embedder | None = None,
        generator: Generator | None = None,
        store: PaperStore | None = None,
    ):
        """Without `settings`, they are loaded as the CLI loads them (config file, env)."""
        self.settings = settings if settings is not None else load_settings()
        self.paths = paths or user_paths()
        s = self.settings
        if ingest_embedder is None:
            from assistant.models.minilm import MiniLMEmbedder

            ingest_embedder = embedder or MiniLMEmbedder(s.embed_device, s.embed_batch_size)
        # Ingest embeds with sentence-transformers (batched, GPU-capable); questions, evidence
        # and verification with the same weights in ONNX Runtime once exported: no torch import.
        self.ingest_embedder = ingest_embedder
        self._fixed_embedder = embedder is not None
        self.embedder = embedder or self._fast_embedder() or ingest_embedder
        self._store = store
        self._generator = generator
        self._index: PaperIndex | None = None
        self._retriever: Retriever | None = None
        self._parts_lock = threading.Lock()  # warm-up threads and the caller build them lazily
        # What a session changes at run time (the chat's palette), starting from the settings.
        self.k = s.k
        self.filters = Filters(s.year_from, s.year_to, s.category)
        self.model_spec = s.model

    # ------------------------------------------------------------------ components
    @property
    def index(self) -> PaperIndex:
        with self._parts_lock:
            if self._index is None:
                from assistant.index import PaperIndex

                s = self.settings
                self._index = PaperIndex(index_dir(s, self.paths), self.ingest_embedder, s.vector_search,
                                         s.chroma_url, store=self._store, slice_size=s.ingest_slice,
                                         sentence_vectors=s.sentence_vectors)
                self._index.sentence_embedder = self.embedder
            return self._index

    @property
    def retriever(self) -> Retriever:
        if self._retriever is None:
            from assistant.retrieval.retriever import Retriever

            index = self.index
            with self._parts_lock:
                if self._retriever is None:
                    self._retriever = Retriever(index, self.embedder)
        return self._retriever

    def _onnx_file(self) -> Path:
        from assistant.models.onnx_minilm import onnx_path

        return onnx_path(self.settings.onnx_dir or self.paths.cache_dir / "onnx")

    def _fast_embedder(self):
        if self.settings.query_embedder != "onnx":
            return None
        path = self._onnx_file()
        if not path.exists():
            return None
        from assistant.models.onnx_minilm import OnnxMiniLM

        return OnnxMiniLM(path, self.settings.embed_batch_size or 32)

    def prepare_fast_path(self) -> bool:
        """Export the ONNX query embedder if it is missing (needs torch: done when torch is
        loaded anyway, after an ingest or instead of a torch query) and switch to it."""
        from assistant.models.onnx_minilm import OnnxMiniLM, export_onnx

        if self._fixed_embedder or self.settings.query_embedder != "onnx" or isinstance(self.embedder, OnnxMiniLM):
            return False
        try:
            export_onnx(self._onnx_file())
        except Exception as error:  # the torch path still answers, only slower to start
            import warnings

            warnings.warn(f"ONNX export of the query embedder failed, using torch: {error}", stacklevel=2)
            return False
        self.embedder = self.retriever.embedder = self.index.sentence_embedder = self._fast_embedder()
        return True

    # ------------------------------------------------------------------ corpus and index
    def load(self, paths: Iterable[Path], fmt: str | None = None) -> Corpus:
        """The input files, checked (a missing, unreadable or unknown file raises here, before
        anything is written); read as a stream by `ingest`."""
        from assistant.corpus import Corpus

        return Corpus(paths, fmt)

    def ingest(self, corpus: Corpus | CorpusLoad, on_progress: ProgressFn | None = None) -> IngestReport:
        """The user's papers: the index is theirs from now on (the demo, if it was there, goes
        before their first paper is written; input holding no paper leaves the demo in place)."""
        papers = iter(corpus)
        first = next(papers, None)
        if first is not None:
            origin = self._origin()
            with origin.lock():
                if origin.read() == DEMO:
                    self.index.clear()
                origin.write(USER)
        return self._ingest(corpus, itertools.chain([first] if first is not None else [], papers), on_progress)

    def _ingest(self, corpus: Corpus | CorpusLoad, papers: Iterable[Paper], on_progress: ProgressFn | None) -> IngestReport:
        if self.settings.sentence_vectors:
            self.prepare_fast_path()  # sentences are stored as the query embedder embeds them
        report = self.index.ingest(papers, on_progress, lambda: (corpus.bytes_read, corpus.total_bytes))
        if report.added or report.updated:
            self.prepare_fast_path()  # torch is loaded now: the one cheap moment to export
        report.rejected = corpus.rejected_count
        report.rejected_kinds = dict(corpus.rejected_kinds)
        report.skipped_files = len(corpus.skipped)
        return report

    def _origin(self) -> IndexOrigin:
        return IndexOrigin(index_dir(self.settings, self.paths))

    def demo_due(self) -> bool:
        """The index is empty and nobody has ever filled it: the first use indexes the demo."""
        return self.index.count() == 0 and self._origin().read() != USER

    def holds_demo(self) -> bool:
        """The index holds the bundled demo (which the user's first ingest replaces)."""
        return self._origin().read() == DEMO

    def ensure_index(self, on_progress: ProgressFn | None = None) -> IngestReport | None:
        """First use: index the bundled corpus as a demo, so that a fresh install can answer at
        once, but only into an index nobody has filled (see `assistant.demo`); and export the
        ONNX query embedder if it is missing (once)."""
        from assistant.corpus import Corpus, bundled_corpus_dir

        report = None
        if self.demo_due():
            origin = self._origin()
            with origin.lock():  # re-checked: another process may have ingested meanwhile
                if origin.read() != USER and self.index.count() == 0:
                    origin.write(DEMO)
                    corpus = Corpus([bundled_corpus_dir()])
                    report = self._ingest(corpus, corpus, on_progress)
        self.prepare_fast_path()
        return report

    def check_index(self) -> list[str]:
        """What differs between the read side and the store (`assistant index check`)."""
        from assistant.index.check import check

        return check(self.index)

    def rebuild_index(self) -> int:
        return self.index.rebuild()

    def papers(self, ids: list[str]) -> dict:
        """Full records (metadata, whole abstract) of papers an answer names."""
        return self.index.papers(ids) if ids else {}

    def stats(self) -> dict:
        return {"papers": self.index.count(), "index_dir": str(self.index.directory)}

    def clear(self) -> int:
        origin = self._origin()
        with origin.lock():
            removed = self.index.clear()
            origin.write(USER)  # emptied on purpose: the demo does not come back
        return removed

    def _require_papers(self) -> None:
        if self.index.count() == 0:
            raise IndexUnavailable(f"no papers in the index ({self.index.directory}): "
                                   "add yours with `assistant ingest FILE...`")

    # ------------------------------------------------------------------ models
    @property
    def generator(self) -> Generator:
        with self._parts_lock:
            if self._generator is None and self.settings.llm_url:
                from assistant.models.openai_server import OpenAIServerGenerator

                s = self.settings
                self._generator = OpenAIServerGenerator(s.llm_url, s.llm_api_key, s.llm_model, s.n_ctx,
                                                        s.llm_timeout)
            if self._generator is None:
                from assistant.models.gguf import resolve_model
                from assistant.models.llama import LlamaGenerator

                s = self.settings
                self._generator = LlamaGenerator(
                    resolve_model(self.model_spec, self.paths), s.n_ctx, s.n_threads, s.n_gpu_layers, s.chat_format
                )
            return self._generator

    def models(self) -> list[ModelInfo]:
        from assistant.models.gguf import available_models

        return available_models(self.paths, self.model_spec)

    def use_model(self, spec: str) -> Path:
        """Switch the GGUF model; it loads on the next question (or `load_model`)."""
        from assistant.models.gguf import resolve_model

        if self.settings.llm_url:
            from assistant.errors import UsageError

            raise UsageError(f"the model is served by {self.settings.llm_url}: choose it there (llm_model)")
        path = resolve_model(spec, self.paths)
        current = self._generator
        if current is not None:
            current.lock.acquire()  # an answer running on the old model finishes first
        try:
            self.model_spec = str(path)
            self._generator = None
        finally:
            if current is not None:
                current.lock.release()
        return path

    def warm_up(self, embedder: bool = True, model: bool = False) -> list[threading.Thread]:
        """Load the query embedder (and the model) in the background: ONNX Runtime and llama.cpp
        load in C++, outside the GIL, while this thread imports the index and the pipeline.
        Whatever fails is raised again, in the caller's thread, by the first real use."""
        jobs = [self.embedder.load, lambda: self.index.lexical] if embedder else []
        if model:
            jobs.append(self.load_model)
        threads = [threading.Thread(target=_quietly, args=(job,), daemon=True) for job in jobs]
        for thread in threads:
            thread.start()
        return threads

    def load_model(self) -> str:
        self.generator.load()
        return self.generator.name

    @property
    def uses_model(self) -> bool:
        """The extractive mode answers without one."""
        return self.settings.answer_mode != "extractive"

    @property
    def model_name(self) -> str:
        return self.generator.name if self.uses_model else "none (extractive)"

    @property
    def model_loaded(self) -> bool:
        return self._generator is not None and self._generator.loaded

    # ------------------------------------------------------------------ run-time options
    def set_k(self, k: int) -> None:
        if not 1 <= k <= 50:
            from assistant.errors import UsageError

            raise UsageError(f"k must be between 1 and 50, got {k}")
        self.k = k

    def set_filters(self, filters: Filters) -> None:
        self.filters = filters

    # ------------------------------------------------------------------ questions
    def search(self, query: str, k: int | None = None) -> list[Hit]:
        self._require_papers()
        return self.retriever.search(query, k or self.k, self.settings.retrieval, filters=self.filters or None)

    def ask(
        self,
        question: str,
        k: int | None = None,
        history: list[Turn] | None = None,
        on_token: Callable[[str], None] | None = None,
        on_retrieved: Callable[[str, list[Hit]], None] | None = None,
        query: str | None = None,
        mode: str | None = None,
    ) -> Answer:
        """`query` replaces the automatic standalone rewrite (a user who edited it); `mode`
        another answer mode than the settings' (evaluation's side-by-side baseline)."""
        from assistant.retrieval.followup import standalone_query

        started = time.perf_counter()
        self._require_papers()
        query = query or standalone_query(question, history or [])
        vector = self.retriever.embed_query(query)
        hits = self.retriever.search(query, k or self.k, self.settings.retrieval, vector,
                                     filters=self.filters or None)
        if on_retrieved:
            on_retrieved(query, hits)
        answer = self._answerer(mode or self.settings.answer_mode).answer(question, query, hits, vector, started,
                                                                         on_token)
        answer.standalone_query = query
        return answer

    def assess(self, question: str, history: list[Turn] | None = None):
        """What the grounded answerer decides before the model runs: the scored evidence, the
        sources, the refusal signals and decision (fitting the refusal policy reads these)."""
        from assistant.answering.grounded import assess
        from assistant.retrieval.followup import standalone_query

        query = standalone_query(question, history or [])
        vector = self.retriever.embed_query(query)
        hits = self.retriever.search(query, self.k, self.settings.retrieval, vector, filters=self.filters or None)
        return assess(question, query, hits, vector, self._sentence_embedder(), self.index.lexical)

    def _answerer(self, mode: str):
        if mode == "extractive":
            from assistant.answering.extractive import ExtractiveAnswerer

            return ExtractiveAnswerer(self._sentence_embedder())
        if mode == "stuffed":
            from assistant.answering.stuffed import StuffedAnswerer

            return StuffedAnswerer(self.generator, self.settings)
        from assistant.answering.grounded import GroundedAnswerer

        return GroundedAnswerer(self.generator, self._sentence_embedder(), self.index.lexical, self.settings)

    def _sentence_embedder(self):
        """The query embedder, answering abstract sentences from the vectors stored at ingest."""
        from assistant.index.sentences import StoredSentenceEmbedder

        return StoredSentenceEmbedder(self.embedder, self.index.sentences)
