"""Settings: defaults < config file < ASSISTANT_* environment < flags, for the CLI and the library
alike; frozen, so a session's changes (k, filters, model) live on the service."""

from __future__ import annotations

import pydantic
import pytest

from assistant.paths import user_paths
from assistant.settings import Settings, load_settings


def write_config(text: str) -> None:
    path = user_paths().config_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_precedence_defaults_file_env_flags(monkeypatch):
    assert load_settings().k == 5  # the default
    write_config("k = 7\nmax_tokens = 99\n")
    assert load_settings().k == 7  # the file over the default
    monkeypatch.setenv("ASSISTANT_K", "8")
    settings = load_settings()
    assert (settings.k, settings.max_tokens) == (8, 99)  # the environment over the file
    assert load_settings(k=9).k == 9  # a flag over everything
    assert load_settings(k=None).k == 8  # a flag not given overrides nothing


def test_the_library_reads_the_config_file_too():
    from assistant.service import Assistant

    write_config('k = 3\ncategory = "cs.CL"\n')
    assistant = Assistant()
    assert assistant.settings.k == assistant.k == 3
    assert assistant.filters.category == "cs.CL"


def test_settings_are_never_changed_at_run_time():
    from assistant.models.hashing import HashingEmbedder
    from assistant.retrieval import Filters
    from assistant.service import Assistant

    settings = load_settings()
    with pytest.raises(pydantic.ValidationError):
        settings.k = 3
    assistant = Assistant(settings, embedder=HashingEmbedder())
    assistant.set_k(3)
    assistant.set_filters(Filters(year_from=2024))
    assert (assistant.k, assistant.filters.year_from) == (3, 2024)
    assert (settings.k, settings.year_from) == (5, None)


def test_a_bad_config_value_is_one_line_naming_the_setting():
    from assistant.errors import UsageError

    write_config("k = 0\n")
    with pytest.raises(UsageError, match="setting 'k'"):
        load_settings()


def test_direct_construction_is_typed():
    assert isinstance(Settings().k, int)
