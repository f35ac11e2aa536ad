"""What every command shares: settings from flags, the service, errors as one line."""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from pathlib import Path

import click

from assistant.errors import AssistantError, ExitCode
from assistant.text import terminal_safe

# What `json.dumps(..., ensure_ascii=False)` leaves raw that a terminal may act on: DEL, the 8-bit
# C1 controls and bidi overrides (it escapes C0 controls such as ESC and BEL itself).
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def echo(message: str = "", **kwargs) -> None:
    """`click.echo` for anything that may carry corpus, model or file text: its escape
    sequences and control characters never reach the terminal."""
    click.echo(terminal_safe(str(message)), **kwargs)


def secho(message: str, **kwargs) -> None:
    click.secho(terminal_safe(str(message)), **kwargs)


def json_text(value, **kwargs) -> str:
    """JSON as `--json` prints it: lossless (escapes, not removals), never a raw control byte."""
    text = json.dumps(value, ensure_ascii=False, **kwargs)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def fail(message: str, code: int = ExitCode.ERROR) -> None:
    echo(f"assistant: error: {message}", err=True)
    sys.exit(int(code))


def handle_errors(func):
    """Expected errors: one line on stderr and their exit code; never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except AssistantError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            click.echo("assistant: interrupted", err=True)
            sys.exit(int(ExitCode.INTERRUPTED))
        except BrokenPipeError:
            # `assistant ask ... | head`: the reader left; not an error worth a traceback.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(int(ExitCode.OK))

    return wrapper


def make_settings(ctx: click.Context, **flags):
    """Settings: defaults < config file < env ASSISTANT_* < flags given on this command."""
    from assistant.settings import load_settings

    root = ctx.find_root().params
    config = root.get("config")
    return load_settings(Path(config) if config else None, index_dir=root.get("index_dir"),
                         llm_url=root.get("llm_url"), **flags)


def make_assistant(ctx: click.Context, **flags):
    from assistant.service import Assistant

    return Assistant(make_settings(ctx, **flags))


def progress_printer(label: str):
    """A rich progress bar on stderr with rate and ETA; silent for jobs under ~a second."""
    from rich.console import Console
    from rich.progress import (
        BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
        TimeElapsedColumn, TimeRemainingColumn,
    )

    state: dict = {}

    def update(done: int, total: int) -> None:
        if total < 8:  # ~1 s of embedding on a laptop CPU: no bar needed
            return
        if "bar" not in state:
            bar = Progress(
                TextColumn(label), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"),
                TimeRemainingColumn(), console=Console(stderr=True), transient=False,
            )
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task(label, total=total, rate="")
        bar, task = state["bar"], state["task"]
        speed = bar.tasks[0].speed
        bar.update(task, completed=done, rate=f"{speed:.1f}/s" if speed else "")
        if done >= total:
            bar.stop()

    return update
