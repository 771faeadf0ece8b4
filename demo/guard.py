"""The demo talks to nothing but 127.0.0.1: every other connection is refused, and all are counted."""

from __future__ import annotations

import contextlib
import os
import socket
from collections import Counter
from collections.abc import Iterator
from typing import Any

LOOPBACK = ("127.0.0.1", "::1", "localhost")
# A proxy would carry the app's calls to the local Slack stand-in off the machine and back.
PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


def is_loopback(host: str) -> bool:
    return host in LOOPBACK


@contextlib.contextmanager
def loopback_only(seen: Counter[str]) -> Iterator[None]:
    """Refuse every connection that is not to 127.0.0.1 / ::1 while the demo runs, and count them."""
    original = socket.socket.connect
    original_ex = socket.socket.connect_ex

    def allowed(sock: socket.socket, address: Any) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return True
        host = str(address[0]) if isinstance(address, tuple) else str(address)
        seen[host] += 1
        return is_loopback(host)

    def connect(sock: socket.socket, address: Any) -> None:
        if not allowed(sock, address):
            raise ConnectionRefusedError(f"the demo only talks to 127.0.0.1, not {address!r}")
        original(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        if not allowed(sock, address):
            return 111  # ECONNREFUSED
        return original_ex(sock, address)

    saved = {name: os.environ.pop(name) for name in PROXY_VARIABLES if name in os.environ}
    socket.socket.connect = connect  # type: ignore[method-assign, assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        socket.socket.connect = original  # type: ignore[method-assign]
        socket.socket.connect_ex = original_ex  # type: ignore[method-assign]
        os.environ.update(saved)
