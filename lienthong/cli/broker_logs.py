"""Starting the embedded broker for ``up``: its log lines join the services' as ``broker``."""

from __future__ import annotations

from lienthong.cli.broker import EmbeddedBroker
from lienthong.cli.log_mux import BROKER_SOURCE, LogMux
from lienthong.cli.spawner import Launch


def start_embedded(logs: LogMux, launch: Launch, port: int) -> EmbeddedBroker:
    """Start Tansu on loopback at *port* (0: any), launched by *launch*; say where it listens."""
    broker = EmbeddedBroker(
        on_line=lambda line: logs.line(BROKER_SOURCE, line), color=logs.color, launch=launch
    )
    logs.say(f"broker ready on {broker.start(host='127.0.0.1', port=port)}")
    return broker
