"""`assistant chat`: the terminal chat."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from assistant.cli.common import handle_errors, make_settings


def _route_native_stderr(log_path: Path) -> None:
    """llama.cpp and ggml write to fd 2, and so does Textual (through sys.__stderr__). Give
    Textual its own copy of the terminal and send fd 2 to a log file, so that native chatter
    neither garbles the screen nor, when it is silenced, blanks it."""
    if not sys.__stderr__ or not sys.__stderr__.isatty():
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    terminal = os.fdopen(os.dup(2), "w", buffering=1, encoding=sys.__stderr__.encoding)
    log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 2)
    os.close(log)
    sys.__stderr__ = sys.stderr = terminal


@click.command()
@click.option("--chat", "chat_id", type=int, help="Open this saved chat (ids: see the chat list).")
@click.option("-k", type=click.IntRange(1, 50), help="Abstracts retrieved per question.")
@click.option("--model", help="GGUF path or a name in the models dir.")
@click.pass_context
@handle_errors
def chat(ctx, chat_id, k, model):
    """Open the chat: streamed answers, clickable citations, saved chats.

    F1 inside the app lists the keys; Ctrl+P opens the command palette.
    """
    from assistant.paths import user_paths
    from assistant.tui.app import ChatApp

    settings = make_settings(ctx, k=k, model=model)
    paths = user_paths()
    _route_native_stderr(paths.cache_dir / "chat-stderr.log")
    ChatApp(settings, paths, chat_id=chat_id).run()
