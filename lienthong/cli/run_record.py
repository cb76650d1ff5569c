"""What ``up`` writes into its lock file: who runs, where, and every process id of the run.

Read by a second ``up`` (to say what already runs), and by ``kill``, ``restart``, ``verify``,
``status`` and the tests through :func:`lienthong.cli.target.from_data_dir`. Rewritten whenever
it changes (the services started, one restarted).
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

from lienthong.cli.broker import BrokerError
from lienthong.cli.errors import SupervisorError

if TYPE_CHECKING:
    from lienthong.cli.supervisor import Supervisor

__all__ = ["run_record"]


def run_record(supervisor: Supervisor) -> dict[str, object]:
    """The lock's content for *supervisor*'s run as it stands now."""
    info: dict[str, object] = {
        "pid": os.getpid(),
        "urls": supervisor.urls(),
        "data_dir": str(supervisor.data_dir),
        "children": supervisor.pids(),
        "processes": supervisor.launched_urls(),
        "restarts": supervisor.restarts(),
        "fleet": supervisor.fleet.record(),
    }
    if supervisor.broker_pid is not None:
        info["broker_pid"] = supervisor.broker_pid
    with contextlib.suppress(SupervisorError, BrokerError):
        info["bootstrap_servers"] = supervisor.bootstrap_servers
    if supervisor.credentials is not None:
        info["credentials"] = supervisor.credentials.lock_record()
    return info
