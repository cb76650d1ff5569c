"""Who is calling: one API key per principal, read from settings or kept in a key file.

A shared sandbox is reachable by more than one team, so each caller has a key of its own:
``admin`` (faults, redrive, ledgers, the CLI), ``client`` (a portal or tester submitting and
following dossiers; more clients as ``client:<label>``) and each agency (``gateway``,
``civil_registry``, ``population``, ``insurance``) for its calls to the others. What each may call
is :mod:`lienthong.runtime.auth`; this module only knows keys.

Keys come from ``API_KEYS`` (``principal=key`` pairs, comma- or newline-separated) or, when that
is empty, from a key file of the same pairs, one a line (``API_KEYS_FILE``, default
``DATA_DIR/api-keys``). A missing key file is made with fresh random keys (never one constant for
every install) with mode 0600, atomically: of several processes starting at once, one file wins
and every process reads that one. ``lienthong up --auth`` makes it before the services start, so
it can print the keys and record the admin's in its run lock.

A presented key is found by its SHA-256 digest, so the lookup's time does not depend on how much
of a key was guessed right.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from lienthong.contracts.services import SERVICE_NAMES

__all__ = [
    "ADMIN",
    "CLIENT",
    "KEY_FILE_NAME",
    "PRINCIPALS",
    "Credentials",
    "bearer",
    "ensure_key_file",
    "generate_keys",
    "is_loopback",
    "load_credentials",
    "parse_keys",
    "role_of",
]

ADMIN: Final = "admin"
CLIENT: Final = "client"
PRINCIPALS: Final[tuple[str, ...]] = (ADMIN, CLIENT, *SERVICE_NAMES)
"""The principals every key file made here has a key for."""
KEY_FILE_NAME: Final = "api-keys"
"""The key file's name in the data dir (``API_KEYS_FILE`` empty)."""
_KEY_PREFIX: Final = "lt_"
"""Makes a lienthong key recognisable (to a secret scanner, in a config file)."""
_MIN_KEY_LENGTH: Final = 16


def role_of(principal: str) -> str:
    """The role a principal acts in: ``client:portal-a`` is a client, the rest are themselves."""
    return CLIENT if principal.startswith(f"{CLIENT}:") else principal


def _valid_principal(name: str) -> bool:
    if name in PRINCIPALS:
        return True
    label = name.removeprefix(f"{CLIENT}:")
    return label != name and bool(label) and all(c.isalnum() or c in "-_." for c in label)


def parse_keys(text: str, *, source: str = "API_KEYS") -> dict[str, str]:
    """``principal=key`` pairs (commas or new lines between them, ``#`` comments) by principal.

    ValueError names the entry's position and principal, never a key: the message may be logged.
    """
    keys: dict[str, str] = {}
    owners: dict[str, str] = {}
    lines = (line.partition("#")[0] for line in text.splitlines())
    entries = [part.strip() for line in lines for part in line.split(",") if part.strip()]
    for number, entry in enumerate(entries, 1):
        principal, sep, key = (part.strip() for part in entry.partition("="))
        where = f"{source}: entry {number} ({principal or 'no principal'})"
        if not sep or not key:
            raise ValueError(f"{where}: write principal=key")
        if not _valid_principal(principal):
            known = ", ".join(PRINCIPALS)
            raise ValueError(f"{where}: unknown principal; one of {known} or client:<label>")
        if len(key) < _MIN_KEY_LENGTH or any(c.isspace() for c in key):
            raise ValueError(f"{where}: a key is {_MIN_KEY_LENGTH}+ characters, no spaces")
        if principal in keys:
            raise ValueError(f"{where}: the principal has a key already")
        if key in owners:
            raise ValueError(f"{where}: the same key as {owners[key]}; each has its own")
        keys[principal], owners[key] = key, principal
    return keys


def generate_keys(principals: tuple[str, ...] = PRINCIPALS) -> dict[str, str]:
    """A fresh random key for each principal (192 bits each)."""
    return {name: _KEY_PREFIX + secrets.token_urlsafe(24) for name in principals}


def format_keys(keys: Mapping[str, str]) -> str:
    """The key file's text: a header saying what it is, then one ``principal=key`` a line."""
    header = (
        "# lienthong API keys, one principal=key a line (see the README's Credentials).\n"
        "# Send one as `Authorization: Bearer <key>` or `X-API-Key: <key>`.\n"
        "# Delete this file to get new keys at the next start.\n"
    )
    return header + "".join(f"{name}={key}\n" for name, key in keys.items())


def ensure_key_file(path: Path) -> dict[str, str]:
    """The keys of *path*; made first with fresh keys (mode 0600) when it does not exist.

    Written to a temporary file and linked into place: ``link`` fails when the file exists, so
    when several services start at once one file wins, whole, and all of them read it.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                out.write(format_keys(generate_keys()))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
    return parse_keys(path.read_text(encoding="utf-8"), source=str(path))


def load_credentials(api_keys: str, key_file: Path) -> Credentials:
    """The keys of *api_keys* when it lists any, else those of *key_file* (made if missing)."""
    if api_keys.strip():
        return Credentials(parse_keys(api_keys), source="API_KEYS")
    return Credentials(ensure_key_file(key_file), source=str(key_file))


def bearer(key: str | None) -> dict[str, str]:
    """The header carrying *key*, or none when there is no key to send."""
    return {"Authorization": f"Bearer {key}"} if key else {}


def is_loopback(host: str) -> bool:
    """Whether listening on *host* keeps a service on this machine (``0.0.0.0`` does not)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


@dataclass(frozen=True)
class Credentials:
    """The keys of one deployment: whose each is, and one principal's own key to send."""

    keys: Mapping[str, str] = field(default_factory=dict)
    """Key by principal."""
    source: str = ""
    """Where they were read from (``API_KEYS`` or the key file), for messages."""
    _owners: dict[bytes, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        owners = {_digest(key): name for name, key in self.keys.items()}
        object.__setattr__(self, "_owners", owners)

    def principal_of(self, presented: str) -> str | None:
        """Whose key *presented* is; None when it is nobody's."""
        return self._owners.get(_digest(presented))

    def key_of(self, principal: str) -> str | None:
        """*principal*'s own key, if it has one here."""
        return self.keys.get(principal)

    def headers_for(self, principal: str) -> dict[str, str]:
        """The header *principal* sends its own key in (none when it has no key)."""
        return bearer(self.key_of(principal))
