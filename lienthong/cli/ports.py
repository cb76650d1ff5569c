"""TCP port helpers shared by the supervisor, the embedded broker and the tests.

Kept apart from the broker because none of them is about Kafka: they answer "which port can I
use?" and "is anyone listening there yet?" for whatever is about to bind.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from contextlib import ExitStack

from lienthong.cli.errors import PortInUse, SupervisorError

__all__ = ["accepts_connections", "check_ports", "free_port", "free_ports", "port_is_free"]


def _family(host: str) -> socket.AddressFamily:
    """IPv6 literals need an IPv6 socket; everything else here is IPv4 loopback or a name."""
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on *host* right now.

    The OS picks it (bind to port 0), so parallel test runs do not collide on a fixed port. It is
    only free *now*: a caller that loses the race sees a clear bind error from the server.
    """
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def free_ports(names: Sequence[str], host: str = "127.0.0.1") -> dict[str, int]:
    """Return a distinct free TCP port on *host* for each of *names*.

    Calling :func:`free_port` once per name can hand out the same port twice, since the OS may
    reuse a port as soon as its probe socket closes; holding every probe open until all are
    picked makes them distinct.
    """
    with ExitStack() as probes:
        ports: dict[str, int] = {}
        for name in names:
            sock = probes.enter_context(socket.socket(_family(host), socket.SOCK_STREAM))
            sock.bind((host, 0))
            ports[name] = sock.getsockname()[1]
        return ports


def port_is_free(host: str, port: int) -> bool:
    """Tell whether a server could listen on *host*:*port*.

    ``SO_REUSEADDR`` matches what uvicorn and Tansu set, so sockets of a previous run lingering in
    TIME_WAIT do not count as busy, while a live listener does.
    """
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def accepts_connections(host: str, port: int) -> bool:
    """Cheap readiness check: something listens on *host*:*port* (no protocol spoken)."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def check_ports(host: str, wanted: Sequence[tuple[str, int]]) -> None:
    """Fail before anything starts if two of *wanted* (name, port) share a port or one is taken.

    Checking up front turns "a service died with EADDRINUSE in its log" into one error that
    names the service and the option moving it.
    """
    seen: dict[int, str] = {}
    for name, port in wanted:
        if port in seen:
            raise SupervisorError(f"{seen[port]} and {name} are both configured for port {port}")
        seen[port] = name
        if not port_is_free(host, port):
            raise PortInUse(name, host, port)
