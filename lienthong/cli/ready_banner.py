"""The block ``lienthong up`` prints once everything is healthy: where each part answers.

Every URL a tester needs, aligned: the services (and further instances of an agency), the
broker, the data directory and the PostgreSQL databases when there are some, and whether
credentials are on.
"""

from __future__ import annotations

from lienthong.cli.fleet_options import service_line
from lienthong.cli.instances import service_of
from lienthong.cli.run_credentials import banner_lines
from lienthong.cli.store_options import postgres_summary
from lienthong.cli.supervisor import Supervisor

__all__ = ["format_ready"]


def format_ready(supervisor: Supervisor, elapsed_s: float, *, show_keys: bool = True) -> str:
    """The block printed once everything is healthy: every URL a tester needs, aligned, and
    whether credentials are on (with the keys, when *show_keys*)."""
    urls = supervisor.urls()
    instances = {k: v for k, v in supervisor.launched_urls().items() if k not in urls}
    width = max(len(name) for name in [*urls, *instances])
    lines = [
        "",
        f"lienthong is up in {elapsed_s:.1f} s",
        "",
    ]
    lines += [service_line(supervisor.fleet, name, url, width) for name, url in urls.items()]
    lines += [
        f"  {name:<{width}}  {url}   instance of {service_of(name)} (same consumer group)"
        for name, url in instances.items()
    ]
    kafka = "embedded Tansu, memory only" if supervisor.embedded_broker else "external Kafka"
    lines += [
        f"  {'kafka':<{width}}  {supervisor.bootstrap_servers}   ({kafka})",
        f"  {'data':<{width}}  {supervisor.data_dir}",
        *(
            [f"  {'postgres':<{width}}  {postgres}"]
            if (postgres := postgres_summary(supervisor.database_urls()))
            else []
        ),
        "",
        *(f"  {line}" for line in banner_lines(supervisor.credentials, show_keys=show_keys)),
        "",
        "Press Ctrl-C to stop.",
        "",
    ]
    return "\n".join(lines)
