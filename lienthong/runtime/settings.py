"""Settings shared by every service; each service subclasses :class:`ServiceSettings`.

Configuration comes only from the environment (12-factor), so `lienthong up`, docker-compose
and tests all configure a service the same way: ``PORT``, ``DATABASE_URL``,
``KAFKA_BOOTSTRAP_SERVERS`` and the peers' ``*_URL``.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """What every agency service needs: where it listens, its database, the broker, batching."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    service_name: ClassVar[str] = "service"
    default_port: ClassVar[int] = 8000

    host: str = "127.0.0.1"
    port: int = 0
    database_url: str = ""
    data_dir: str = ".lienthong"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_topic_partitions: int = 3
    # Joining a group takes about half the session timeout on Tansu; 6 s is Apache Kafka's
    # minimum (group.min.session.timeout.ms), so it is the lowest default valid on both.
    kafka_session_timeout_ms: int = 6000
    kafka_heartbeat_interval_ms: int = 2000
    consumer_batch_size: int = 500
    consumer_poll_timeout_ms: int = 100
    relay_batch_size: int = 500
    relay_interval_ms: int = 200
    transient_max_attempts: int = 5
    transient_backoff_ms: int = 200
    log_level: str = "info"

    def model_post_init(self, __context: object) -> None:
        """Fill the per-service defaults that depend on the service's name."""
        if not self.port:
            self.port = self.default_port
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir}/{self.service_name}.db"
