"""Where everything lives: config, data (index, chats), cache, models.

All state sits under one root that ASSISTANT_HOME overrides; otherwise the user's XDG dirs.
Nothing is created at import time: directories are made by the code that writes to them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "abstracts-assistant"


@dataclass(frozen=True)
class Paths:
    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def default_index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def chats_db(self) -> Path:
        return self.data_dir / "chats.sqlite3"


def user_paths() -> Paths:
    home = os.environ.get("ASSISTANT_HOME")
    if home:
        root = Path(home).expanduser()
        return Paths(root / "config", root / "data", root / "cache")
    import platformdirs

    return Paths(
        Path(platformdirs.user_config_dir(APP_NAME)),
        Path(platformdirs.user_data_dir(APP_NAME)),
        Path(platformdirs.user_cache_dir(APP_NAME)),
    )
