"""The credentials of one run of ``lienthong up``: whether they are on, its keys, its banner.

On with ``up --auth`` (``AUTH_REQUIRED=1`` in the services' environment) and always when the
services listen beyond loopback (``--host 0.0.0.0``): a sandbox others can reach is never open.
The supervisor settles the keys before any service starts — ``API_KEYS`` when the environment
gives them, else the data dir's key file (``api-keys``, made with random keys on the first
``up --auth`` and kept for the next ones) — so that it can print them in the ready banner and
record the admin's and the client's in its run lock, where the CLI commands given
``--data-dir`` read them. The services read the same file (``API_KEYS_FILE``), so every
process of the run agrees on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from lienthong.cli.errors import SupervisorError
from lienthong.runtime.credentials import (
    ADMIN,
    CLIENT,
    KEY_FILE_NAME,
    Credentials,
    ensure_key_file,
    is_loopback,
    parse_keys,
)

__all__ = ["RunCredentials", "auth_environment", "banner_lines", "run_credentials", "settle"]

AUTH_ENV = "AUTH_REQUIRED"
"""The services' setting ``auth_required``: what ``up --auth`` sets."""


@dataclass(frozen=True)
class RunCredentials:
    """The run's keys, and the key file the services read them from (None: ``API_KEYS``)."""

    credentials: Credentials
    key_file: Path | None

    def lock_record(self) -> dict[str, str]:
        """The keys the run lock keeps for the CLI: the admin's and the client's (no agency's)."""
        keys = self.credentials.keys
        return {name: keys[name] for name in (ADMIN, CLIENT) if name in keys}


def _wanted(env: Mapping[str, str], host: str) -> bool:
    """Asked for (read as the services read their boolean settings), or not on loopback."""
    value = env.get(AUTH_ENV, "").strip()
    try:
        asked = bool(value) and TypeAdapter(bool).validate_python(value)
    except ValidationError:
        raise ValueError(f"{AUTH_ENV}={value!r}: not a yes or no (1/0, true/false)") from None
    return asked or not is_loopback(host)


def run_credentials(data_dir: Path, host: str, env: Mapping[str, str]) -> RunCredentials | None:
    """The run's keys when credentials are on (None when the run is open); ValueError for keys
    written wrong. *env* is what the services will inherit (``os.environ`` and ``up``'s own)."""
    if not _wanted(env, host):
        return None
    inline = env.get("API_KEYS", "")
    if inline.strip():
        return RunCredentials(Credentials(parse_keys(inline), source="API_KEYS"), None)
    path = Path(env.get("API_KEYS_FILE") or data_dir / KEY_FILE_NAME).resolve()
    return RunCredentials(Credentials(ensure_key_file(path), source=str(path)), path)


def settle(data_dir: Path, host: str, env: Mapping[str, str]) -> RunCredentials | None:
    """:func:`run_credentials`, its failures (keys written wrong, a key file that cannot be
    written) said as the supervisor says why it could not start."""
    try:
        return run_credentials(data_dir, host, env)
    except (ValueError, OSError) as error:
        raise SupervisorError(f"credentials: {error}") from error


def auth_environment(run: RunCredentials | None) -> dict[str, str]:
    """What the services are told: credentials on, and the key file (whatever they inherit)."""
    if run is None:
        return {}
    env = {AUTH_ENV: "1"}
    if run.key_file is not None:
        env["API_KEYS_FILE"] = str(run.key_file)
    return env


def banner_lines(run: RunCredentials | None, *, show_keys: bool) -> list[str]:
    """The ready banner's lines about credentials; keys only when *show_keys* (a terminal,
    not a JSON log stream that ends up in a log store)."""
    if run is None:
        return ["open: no credentials, loopback only (`lienthong up --auth` asks for keys)"]
    where = str(run.key_file) if run.key_file is not None else "API_KEYS"
    lines = ["credentials on: send `Authorization: Bearer <key>` or `X-API-Key: <key>`"]
    if show_keys:
        width = max(len(name) for name in run.credentials.keys)
        lines += [f"  {name:<{width}}  {key}" for name, key in run.credentials.keys.items()]
    lines.append(f"keys kept in {where}; commands with --data-dir use the admin key of the lock")
    return lines
