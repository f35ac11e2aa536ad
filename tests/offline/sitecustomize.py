"""Loaded at start-up by every Python process whose path has this folder first (the offline
test puts it on PYTHONPATH): each attempt to resolve a name or open a network connection is
written to $OFFLINE_GUARD_LOG and refused, as on a machine with no network. Local IPC (Unix
sockets, socketpair) is allowed; telemetry, model hubs and update checks are not."""

import errno
import os
import socket
import traceback

_LOG = os.environ.get("OFFLINE_GUARD_LOG")


def _refuse(what: str):
    if _LOG:
        where = "".join(traceback.format_stack(limit=8)[:-2]).replace("\n", " | ")
        with open(_LOG, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {what} at {where}\n")
    raise OSError(errno.ENETUNREACH, f"network blocked by the offline test: {what}")


def _guard(method_name: str):
    original = getattr(socket.socket, method_name)

    def guarded(self, *args):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            _refuse(f"{method_name}({args[-1]!r})")  # the address is the last argument
        return original(self, *args)

    return guarded


for _name in ("connect", "connect_ex", "sendto"):
    setattr(socket.socket, _name, _guard(_name))


def _getaddrinfo(host, *args, **kwargs):
    _refuse(f"getaddrinfo({host!r})")


socket.getaddrinfo = _getaddrinfo
socket.gethostbyname = lambda host: _refuse(f"gethostbyname({host!r})")
