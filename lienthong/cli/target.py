"""Finding the running sandbox a command talks to: through its data dir, or the gateway's URL.

``up`` writes who runs (its pid, the children's pids, every service's URL, the Kafka bootstrap
address) into the lock file of its data dir; every other command reads it from there
(``--data-dir``, the same default as ``up``). With ``--url`` only the gateway is known and it
names the other services and its broker (``GET /api/v1/agencies``), so a sandbox on another
machine can be driven too, without pids.

The lock also records the run's fleet (``lienthong/cli/fleet.py``: which agencies are simulated,
which are external, the mock rules): commands read it as :class:`RunFleet`, so they neither wait
for an external agency lienthong never started nor blame it for what only it could show.
"""

from __future__ import annotations

import argparse
import dataclasses
import fcntl
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from lienthong.cli.data_dir import LOCK_FILE_NAME
from lienthong.contracts.services import AGENCIES, GATEWAY, SERVICE_NAMES
from lienthong.runtime.credentials import ADMIN, bearer

__all__ = [
    "EXIT_UNREACHABLE",
    "NothingRunning",
    "RunFleet",
    "Target",
    "add_data_dir_argument",
    "add_target_arguments",
    "find_target",
    "not_run",
]

EXIT_UNREACHABLE: Final = 3
"""Exit code of a command that found nothing running where it was told to look."""

DEFAULT_DATA_DIR: Final = ".lienthong"
API_KEY_ENV: Final = "LIENTHONG_API_KEY"


class NothingRunning(RuntimeError):
    """Nothing answers where the command was told to look; the message says where and why."""


@dataclass(frozen=True)
class RunFleet:
    """Which agencies a run simulates or leaves external, and its mock rules as written.

    Read from the lock (what ``Fleet.record()`` wrote) rather than rebuilt as a ``Fleet``: a
    command only needs names, and a record written by another version must not stop it.
    """

    simulated: frozenset[str] = frozenset()
    external: frozenset[str] = frozenset()
    rules: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: object) -> RunFleet:
        """The fleet of a lock's ``"fleet"`` value; a lock without one ran every agency real."""
        body = record if isinstance(record, dict) else {}

        def names(key: str) -> frozenset[str]:
            value = body.get(key)
            listed = value if isinstance(value, list) else []
            return frozenset(str(name) for name in listed if str(name) in AGENCIES)

        rules = body.get("rules")
        written = tuple(str(rule) for rule in rules) if isinstance(rules, list) else ()
        return cls(names("simulated"), names("external"), written)


def not_run(service: str) -> str:
    """Why a command that needs the service's process or HTTP API refuses an external one."""
    return f"{service} is external: lienthong does not run it"


@dataclass(frozen=True)
class Target:
    """A running sandbox: every service's base URL, and the pids when found through its dir.

    ``bootstrap_servers`` is the Kafka its services use, for commands that talk to the broker
    themselves (``bench`` runs its null pipeline there); None when the run has not said yet
    (``up`` records it once the broker answers) or a gateway too old to tell was asked.
    """

    urls: dict[str, str]
    supervisor_pid: int | None = None
    pids: dict[str, int] = field(default_factory=dict)
    data_dir: Path | None = None
    bootstrap_servers: str | None = None
    broker_pid: int | None = None
    """The embedded broker's process (None: an external Kafka, or found through ``--url``)."""
    fleet: RunFleet | None = None
    """Which agencies are simulated or external (None: not known, found through ``--url``)."""
    api_key: str | None = None
    """The key the command sends (``--api-key``, else the admin's from the lock); None: none."""
    processes: dict[str, str] = field(default_factory=dict)
    """Every process the run started, by name (``population-2`` too), with its base URL."""

    @property
    def headers(self) -> dict[str, str]:
        """The header carrying :attr:`api_key`, for every request to the sandbox."""
        return bearer(self.api_key)

    @property
    def gateway(self) -> str:
        """The gateway's base URL."""
        return self.urls[GATEWAY]

    @property
    def external(self) -> frozenset[str]:
        """The agencies lienthong does not run in this sandbox (none known through ``--url``)."""
        return self.fleet.external if self.fleet is not None else frozenset()


def add_data_dir_argument(parser: argparse.ArgumentParser) -> None:
    """``--data-dir``: where ``up`` keeps its databases and lock, and where others find it."""
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("LIENTHONG_DATA_DIR", DEFAULT_DATA_DIR)),
        help="the run's data dir: the services' SQLite databases and the lock of `up` "
        "(default: ./.lienthong, env LIENTHONG_DATA_DIR)",
    )


def add_target_arguments(parser: argparse.ArgumentParser) -> None:
    """``--data-dir``, ``--url`` and ``--api-key``: where the sandbox is, and the key it wants."""
    add_data_dir_argument(parser)
    parser.add_argument(
        "--url",
        default=os.environ.get("LIENTHONG_URL") or None,
        metavar="GATEWAY_URL",
        help="the gateway's base URL instead of a data dir, e.g. http://127.0.0.1:8000 "
        "(env LIENTHONG_URL)",
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get(API_KEY_ENV) or None,
        metavar="KEY",
        help="the key sent when credentials are on (default: the admin key `up --auth` recorded "
        f"in the data dir's lock; env {API_KEY_ENV}, which keeps it out of the process list)",
    )


def find_target(args: argparse.Namespace) -> Target:
    """The sandbox ``--url`` or ``--data-dir`` points at; :class:`NothingRunning` otherwise.

    The key is ``--api-key`` (or its env var) when given, else the admin key of the lock.
    """
    key: str | None = getattr(args, "api_key", None)
    if args.url:
        return _from_gateway(args.url.rstrip("/"), key)
    found = from_data_dir(args.data_dir)
    return dataclasses.replace(found, api_key=key) if key else found


def from_data_dir(data_dir: Path) -> Target:
    """The sandbox whose ``up`` holds the lock of ``data_dir``, with the admin key it recorded."""
    path = data_dir / LOCK_FILE_NAME
    if not path.exists() or not _locked(path):
        raise NothingRunning(
            f"nothing runs at {data_dir.resolve()}: no `lienthong up` holds its lock "
            "(start one with `make run`, or pass --url of a gateway)"
        )
    try:
        info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise NothingRunning(f"cannot read {path}: {error}") from error
    urls = {str(k): str(v) for k, v in (info.get("urls") or {}).items()}
    if set(urls) != set(SERVICE_NAMES):
        raise NothingRunning(f"{path} does not name every service yet (still starting?)")
    children = info.get("children") or {}
    return Target(
        urls=urls,
        supervisor_pid=_pid(info.get("pid")),
        pids={str(k): int(v) for k, v in children.items()},
        data_dir=data_dir.resolve(),
        bootstrap_servers=_address(info.get("bootstrap_servers")),
        broker_pid=_pid(info.get("broker_pid")),
        fleet=RunFleet.from_record(info.get("fleet")),
        api_key=_admin_key(info.get("credentials")),
        processes={str(k): str(v) for k, v in (info.get("processes") or {}).items()},
    )


def _pid(value: object) -> int | None:
    """A recorded process id, or None when missing or not a number."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _admin_key(record: object) -> str | None:
    """The admin key a lock recorded (``up`` with credentials on); None when the run is open."""
    key = record.get(ADMIN) if isinstance(record, dict) else None
    return key if isinstance(key, str) and key else None


def _address(value: object) -> str | None:
    """A recorded bootstrap address, or None when missing or not a non-empty string."""
    return value if isinstance(value, str) and value else None


def _locked(path: Path) -> bool:
    """Whether a live process holds the lock (a lock file outlives the run that wrote it)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _from_gateway(url: str, api_key: str | None) -> Target:
    from lienthong.cli.http import ApiClient, ApiError, Unreachable

    try:
        agencies = ApiClient(api_key=api_key).get(f"{url}/api/v1/agencies")
    except Unreachable as error:
        raise NothingRunning(str(error)) from error
    except ApiError as error:
        if error.status not in (401, 403):
            raise
        given = "the key given" if api_key else "no key"
        raise NothingRunning(
            f"the gateway at {url} refused {given} (HTTP {error.status}): credentials are on, "
            f"give the admin key with --api-key or {API_KEY_ENV}"
        ) from error
    urls = {str(k): str(v) for k, v in agencies.get("urls", {}).items()}
    urls[GATEWAY] = url
    bootstrap = _address(agencies.get("bootstrap_servers"))
    return Target(urls=urls, bootstrap_servers=bootstrap, api_key=api_key)
