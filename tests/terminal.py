"""What a terminal receives, for tests: a hostile-text kit and a pseudo-terminal runner.

`run_in_pty` runs a command with a real pseudo-terminal as its stdin, stdout and stderr (so
click does not strip styles and `ask` streams, as for a user) and returns every byte it wrote.
`assert_clean` fails on anything a terminal would act on beyond colours.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

# Each sequence a corpus or a model could carry to take over a terminal.
OSC52 = "\x1b]52;c;aGFja2VkIGNsaXBib2FyZA==\x07"  # writes "hacked clipboard" to the clipboard
CLEAR = "\x1b[2J\x1b[H"  # CSI: clear the screen, cursor home
TITLE = "\x1b]0;pwned window\x1b\\"  # OSC 0 with an ST terminator: retitles the window
BEL = "\x07"
BACKSPACES = "\x08" * 6  # erase what was just printed
BIDI = "\u202e"  # right-to-left override: "txt.exe" shows reversed
C1_CSI = "\x9b2J"  # the 8-bit CSI some terminals act on
HOSTILE = (OSC52, CLEAR, TITLE, BEL, BACKSPACES, BIDI, C1_CSI)


def hostile(text: str) -> str:
    """`text` with every hostile sequence woven in, one after each word."""
    words = text.split(" ")
    return " ".join(w + HOSTILE[i % len(HOSTILE)] for i, w in enumerate(words))


# What may remain: colour and style (SGR) sequences that click and rich add themselves.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def assert_clean(output: str | bytes) -> str:
    """The output with its styles removed; fails if it holds any other control sequence."""
    if isinstance(output, bytes):
        output = output.decode("utf-8")
    text = _SGR.sub("", output).replace("\r\n", "\n")  # a pty turns "\n" into "\r\n"
    found = sorted({repr(c) for c in _FORBIDDEN.findall(text)})
    assert not found, f"control characters reached the terminal: {', '.join(found)}\n{text!r}"
    return text


# What Textual itself writes (read from its output on a pty): colours and cursor moves, DEC
# private modes (alternate screen, mouse, paste), mode queries, the kitty keyboard protocol and
# the pointer shape (OSC 22). Anything else on a chat's terminal came from somewhere else.
_TEXTUAL = re.compile(r"\x1b\[[0-9;]*[mH]|\x1b\[\?[0-9;]+[hl]|\x1b\[\?[0-9]+\$p|\x1b\[[<>][0-9]*u"
                      r"|\x1b\]22;[a-z-]+\x07")


def assert_clean_screen(output: bytes) -> str:
    """A full-screen app's output without its own sequences: fails on anything left."""
    text = _TEXTUAL.sub("", output.decode("utf-8"))
    return assert_clean(text)


def readable(fd: int, timeout: float) -> bool:
    """Whether `fd` has something to read within `timeout` s. poll, not select: select cannot
    watch a descriptor numbered 1024 or above, which a long test session reaches."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(timeout * 1000))


def run_in_pty(args: list[str], env: dict | None = None, timeout: float = 300, size=(45, 150),
               cwd: Path | None = None) -> tuple[int, bytes]:
    """(exit code, every byte written to the terminal). The child gets a new session with the
    pty as its controlling terminal; it is killed if it outlives `timeout`."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[0], size[1], 0, 0))
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd,
                            start_new_session=True, close_fds=True)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                raise AssertionError(f"{args} ran past {timeout} s; output so far: {b''.join(chunks)[-2000:]!r}")
            if not readable(master, min(left, 1.0)):
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every holder of the terminal has closed it
                break
            if not data:
                break
            chunks.append(data)
        return proc.wait(timeout=max(1.0, deadline - time.monotonic())), b"".join(chunks)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def python() -> str:
    return sys.executable


def assistant_command() -> str:
    """The `assistant` console script of this environment, as a user runs it."""
    return str(Path(sys.executable).parent / "assistant")


def script_env(**extra: str) -> dict:
    """The environment a subprocess runs with: this one (ASSISTANT_HOME of the test) plus
    the tests folder on the path, for the driver scripts."""
    env = dict(os.environ)
    tests = str(Path(__file__).parent)
    env["PYTHONPATH"] = tests + os.pathsep + env.get("PYTHONPATH", "") if env.get("PYTHONPATH") else tests
    env.update(extra)
    return env
