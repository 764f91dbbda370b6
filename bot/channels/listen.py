"""Where a channel's HTTP server listens: HOST:PORT (port 0: any free port)."""

from __future__ import annotations


def parse_listen(value: str) -> tuple[str, int]:
    """Read HOST:PORT; raise ValueError saying what is expected."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError(f"{value!r}: expected HOST:PORT, e.g. 0.0.0.0:8443")
    return host, int(port)
