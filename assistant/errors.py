"""Expected failures: each carries a one-line message for the user and an exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    DATA = 65  # EX_DATAERR: the input exists but is not what was expected
    NO_INPUT = 66  # EX_NOINPUT: a named file does not exist
    UNAVAILABLE = 69  # EX_UNAVAILABLE: model or index cannot be used
    INTERRUPTED = 130


class AssistantError(Exception):
    """An error the user can act on; the CLI prints it as one line, no traceback."""

    exit_code = ExitCode.ERROR


class InputFileError(AssistantError):
    """Bad input data, with the place it was found."""

    exit_code = ExitCode.DATA

    def __init__(self, path: object, message: str, line: int | None = None):
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class MissingInputError(AssistantError):
    exit_code = ExitCode.NO_INPUT


class UsageError(AssistantError):
    exit_code = ExitCode.USAGE


class ModelUnavailable(AssistantError):
    exit_code = ExitCode.UNAVAILABLE


class StreamCutOff(ModelUnavailable):
    """A model server's stream stopped after it had started: what came is kept, marked cut off."""


class IndexUnavailable(AssistantError):
    exit_code = ExitCode.UNAVAILABLE


class Cancelled(AssistantError):
    """The user stopped a running answer (Esc in the chat, Ctrl-C in the CLI)."""

    exit_code = ExitCode.INTERRUPTED
