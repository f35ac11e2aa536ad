"""The service with injected components: a real embedded Chroma and read side, a hashing
embedder and a scripted generator. Every interface goes through this object."""

from __future__ import annotations

from assistant.models.hashing import HashingEmbedder
from assistant.models.scripted import ScriptedGenerator
from assistant.service import Assistant
from assistant.settings import load_settings

from conftest import DATA


def test_injected_components_answer_end_to_end(tmp_path):
    generator = ScriptedGenerator({"BSP-Net": "BSP-Net directly outputs polygonal meshes [1]."})
    assistant = Assistant(load_settings(index_dir=tmp_path / "idx"), embedder=HashingEmbedder(), generator=generator)
    report = assistant.ingest(assistant.load([DATA / "tiny.jsonl"]))
    assert report.added == 6 and assistant.stats()["papers"] == 6
    assert assistant.index.read_side.embedder_name == "hashing-bow"
    answer = assistant.ask("What does BSP-Net output directly?")
    assert not answer.refused
    assert "polygonal meshes [1]" in answer.text
    assert answer.citations[0].paper.title.startswith("Learning Mesh Representations")
    assert generator.prompts and "BSP-Net" in generator.prompts[0][-1]["content"]
    record = answer.record()
    assert record.model == "scripted" and record.citations[0].id == answer.citations[0].paper.id


def test_switching_models_keeps_the_settings(tmp_path):
    assistant = Assistant(load_settings(index_dir=tmp_path / "idx"), embedder=HashingEmbedder(),
                          generator=ScriptedGenerator("x"))
    fake = tmp_path / "other.gguf"
    fake.write_bytes(b"GGUF")
    assert assistant.use_model(str(fake)) == fake
    assert assistant.model_spec == str(fake) and assistant.settings.model is None
