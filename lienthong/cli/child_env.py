"""The environment each service process gets: the only way ``up`` configures a service.

A service reads every setting from its environment (pydantic-settings), exactly as it would in a
container, so what ``up`` decides — where it listens, its database, the broker, where its peers
answer — is written here as environment variables and nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from lienthong.cli.data_dir import database_url
from lienthong.contracts.services import service_info

__all__ = ["child_env", "service_url"]


def service_url(host: str, port: int) -> str:
    """The URL peers use to reach a service bound on *host*; wildcard binds map to loopback."""
    if host in ("", "0.0.0.0"):
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def child_env(
    service: str,
    *,
    host: str,
    port: int,
    urls: Mapping[str, str],
    bootstrap_servers: str,
    data_dir: Path,
    fresh_broker: bool,
    database: str | None = None,
    base_env: Mapping[str, str],
    extra_env: Mapping[str, str],
) -> dict[str, str]:
    """The full environment of *service*'s process.

    *base_env* (normally ``os.environ``) is inherited so PATH, proxies and the user's own
    overrides reach the service; *extra_env* (the run's clock, delays, seed…) overrides it; what
    the supervisor itself decides overrides both. *urls* maps every service name to its base URL,
    published under each service's ``ServiceInfo.url_env``. *fresh_broker* says the broker starts
    empty (the embedded, memory-only one), so services replay their recent outbox into it.
    *database* names the service's database when it is not the service's own name (a
    simulated agency keeps its inbox and outbox apart).
    """
    env = {**base_env, **extra_env}
    env.update(
        HOST=host,
        PORT=str(port),
        KAFKA_BOOTSTRAP_SERVERS=bootstrap_servers,
        PYTHONUNBUFFERED="1",
    )
    env.update({service_info(name).url_env: url for name, url in urls.items()})
    if fresh_broker:
        env["BROKER_IS_FRESH"] = "1"
    env["DATABASE_URL"] = database_url(database or service, data_dir, env)
    return env
