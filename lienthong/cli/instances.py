"""Several processes of one agency: ``lienthong up --instances population=3,insurance=2``.

The instances of an agency are one consumer group: Kafka shares the agency's partitions among
them and hands a dead one's partitions to the others. They share the agency's database, so it
must be one several processes can write at once, safely: PostgreSQL (the outbox relay claims
rows with ``FOR UPDATE SKIP LOCKED``; a decision that loses a race is decided again). The
first instance keeps the agency's name and port, so peers and commands reach the agency as
before; the others are ``population-2``, ``population-3``… on free ports, each a process of its
own that ``lienthong kill population-2`` can take down.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Final

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from lienthong.cli.data_dir import database_url
from lienthong.contracts.services import AGENCIES, SERVICE_NAMES

__all__ = [
    "MAX_INSTANCES",
    "InstancesError",
    "instance_names",
    "parse_instances",
    "require_shared_database",
    "service_of",
]

MAX_INSTANCES: Final = 8
"""More processes than a partition count is useful for: the extra ones would sit idle."""

_INSTANCE = re.compile(r"^(?P<service>[a-z_]+)-(?P<number>[2-9]|[1-9][0-9]+)$")


class InstancesError(ValueError):
    """Instances asked of something that cannot run several (a usage error of ``up``)."""


def parse_instances(text: str) -> dict[str, int]:
    """``population=3,insurance=2`` → ``{"population": 3, "insurance": 2}``; argparse's type.

    An empty text asks for nothing (one process each). Only agencies: the gateway is where
    dossiers are submitted and tracked, one address.
    """
    counts: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        agency, sep, number = item.partition("=")
        if agency not in AGENCIES:
            raise argparse.ArgumentTypeError(
                f"{item!r}: instances are for the agencies ({', '.join(AGENCIES)}); the "
                "gateway runs once"
            )
        if not sep or not number.strip().isdigit() or not 1 <= int(number) <= MAX_INSTANCES:
            raise argparse.ArgumentTypeError(
                f"{item!r}: AGENCY=N with N from 1 to {MAX_INSTANCES}, e.g. population=3"
            )
        if agency in counts:
            raise argparse.ArgumentTypeError(f"{item!r}: {agency} is given twice")
        counts[agency] = int(number)
    return counts


def instance_names(service: str, count: int) -> list[str]:
    """The processes of *service*: its own name first, then ``service-2`` … ``service-N``
    (none for a count of 0: an agency left external)."""
    return [service, *(f"{service}-{number}" for number in range(2, count + 1))][:count]


def service_of(name: str) -> str:
    """The service an instance belongs to: ``population-2`` → ``population``."""
    match = _INSTANCE.match(name)
    if match is not None and match["service"] in SERVICE_NAMES:
        return match["service"]
    return name


def _backend(url: str) -> str | None:
    """``postgresql``, ``sqlite``…; None for what is no database URL at all."""
    try:
        return make_url(url).get_backend_name()
    except ArgumentError:
        return None


def require_shared_database(counts: Mapping[str, int], env: Mapping[str, str]) -> None:
    """Refuse several instances of an agency that keeps its data in SQLite.

    SQLite serves one writer process; several relays on one file would publish a row twice.
    The database comes from ``--postgres`` or ``<SERVICE>_DATABASE_URL`` (see
    :func:`lienthong.cli.data_dir.database_url`), so that is what the error names.
    """
    for service, count in sorted(counts.items()):
        variable = f"{service.upper()}_DATABASE_URL"
        if count > 1 and _backend(database_url(service, Path("."), env)) != "postgresql":
            raise InstancesError(
                f"--instances {service}={count} needs {service}'s database on PostgreSQL, "
                "which several processes can share: give `up --postgres postgresql://USER:"
                f"PASSWORD@HOST` (a database per service), or set {variable}="
                f"postgresql+asyncpg://USER:PASSWORD@HOST/{service} (SQLite serves one process)"
            )
