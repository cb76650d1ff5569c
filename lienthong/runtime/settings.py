"""Settings shared by every service; each service subclasses :class:`ServiceSettings`.

Configuration comes only from the environment (12-factor), so `lienthong up`, docker-compose
and tests all configure a service the same way: ``PORT``, ``DATABASE_URL``,
``KAFKA_BOOTSTRAP_SERVERS`` and the peers' ``*_URL``.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import ClassVar

from pydantic import PrivateAttr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lienthong.contracts.services import SERVICES, service_info
from lienthong.runtime.clock import SimClock
from lienthong.runtime.credentials import KEY_FILE_NAME, Credentials, is_loopback, load_credentials
from lienthong.runtime.delays import DelayDistribution, parse_delay
from lienthong.runtime.logs import check_format, check_level
from lienthong.runtime.policy import DatabasePolicy, RetryPolicy
from lienthong.runtime.randomness import DEFAULT_SEED, RandomSource


class ServiceSettings(BaseSettings):
    """What every agency service needs: where it listens, its database, the broker, batching."""

    model_config = SettingsConfigDict(extra="ignore", case_sensitive=False)

    service_name: ClassVar[str] = "gateway"
    """Which service of ``lienthong.contracts.services`` these settings configure."""

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
    # The embedded broker keeps messages in memory only. When `up` starts a fresh one, every
    # service republishes what its outbox sent in this window; inboxes absorb the duplicates,
    # and events that were in flight when the previous broker stopped are delivered.
    broker_is_fresh: bool = False
    outbox_replay_hours: float = 24.0
    # The failure policy (lienthong/runtime/policy.py): a transient failure is retried with
    # exponential backoff from TRANSIENT_BACKOFF_MS up to TRANSIENT_BACKOFF_MAX_MS, and becomes
    # a dead letter after TRANSIENT_MAX_ATTEMPTS (about a minute with the defaults); a failing
    # database transaction is retried DATABASE_MAX_ATTEMPTS times before the service reports
    # itself unhealthy.
    transient_max_attempts: int = 8
    transient_backoff_ms: int = 500
    transient_backoff_max_ms: int = 30_000
    database_max_attempts: int = 6
    # Logging (lienthong/runtime/logs.py): debug|info|warning|error|critical, text|json, and
    # uvicorn's one-line-per-request access log (off: it would drown the lines that matter).
    log_level: str = "info"
    log_format: str = "text"
    log_access: bool = False
    # The shared simulated clock (see lienthong.runtime.clock) and this agency's delay.
    clock_speed: float = 1.0
    clock_anchor: float | None = None
    clock_start: datetime | None = None
    processing_delay: str = "none"
    # The seed of every business identifier and random decision (`lienthong up --seed`).
    run_seed: int = DEFAULT_SEED
    # Credentials (lienthong/runtime/auth.py; README "Credentials"): checked with AUTH_REQUIRED,
    # and always when HOST is not loopback. API_KEYS lists principal=key pairs; when it is
    # empty they are read from API_KEYS_FILE (empty: DATA_DIR/api-keys), made if missing.
    auth_required: bool = False
    api_keys: str = ""
    api_keys_file: str = ""
    # A request body larger than this is refused with 413 before it is read. 16 MiB: the
    # gateway's largest batch (1000 forms, every field at its longest) fits.
    max_body_bytes: int = 16 * 1024 * 1024
    _credentials: Credentials | None = PrivateAttr(default=None)

    @field_validator("log_level")
    @classmethod
    def _valid_level(cls, value: str) -> str:
        return check_level(value)

    @field_validator("log_format")
    @classmethod
    def _valid_format(cls, value: str) -> str:
        return check_format(value)

    @field_validator("processing_delay")
    @classmethod
    def _valid_delay(cls, value: str) -> str:
        parse_delay(value)
        return value

    def model_post_init(self, __context: object) -> None:
        """Fill the per-service defaults that depend on the service's name."""
        if not self.port:
            self.port = service_info(self.service_name).default_port
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{self.data_dir}/{self.service_name}.db"
        own_delay = os.environ.get(f"{self.service_name.upper()}_PROCESSING_DELAY")
        if own_delay is not None:
            parse_delay(own_delay)
            self.processing_delay = own_delay

    def clock(self) -> SimClock:
        """The simulated clock every service of one deployment shares."""
        if self.clock_speed == 1.0 and self.clock_start is None:
            return SimClock()
        return SimClock(
            speed=self.clock_speed, anchor_real=self.clock_anchor, start=self.clock_start
        )

    def peer_urls(self) -> dict[str, str]:
        """Where every service answers HTTP: its ``<NAME>_URL``, else its default port here."""
        return {
            info.name: os.environ.get(info.url_env) or f"http://127.0.0.1:{info.default_port}"
            for info in SERVICES
        }

    def retry_policy(self) -> RetryPolicy:
        """How transient failures of one message are retried (``TRANSIENT_*``)."""
        return RetryPolicy(
            max_attempts=max(self.transient_max_attempts, 1),
            base=timedelta(milliseconds=self.transient_backoff_ms),
            cap=timedelta(
                milliseconds=max(self.transient_backoff_max_ms, self.transient_backoff_ms)
            ),
        )

    def database_policy(self) -> DatabasePolicy:
        """How a failing batch transaction is retried before the service gives up."""
        return DatabasePolicy(max_attempts=max(self.database_max_attempts, 1))

    def randomness(self) -> RandomSource:
        """The run's random source, from ``RUN_SEED``."""
        return RandomSource(self.run_seed)

    def delay(self) -> DelayDistribution:
        """This agency's processing delay, in simulated time (``<SERVICE>_PROCESSING_DELAY``)."""
        return parse_delay(self.processing_delay)

    @property
    def auth_on(self) -> bool:
        """Whether callers must show a key: asked for, or reachable beyond this machine."""
        return self.auth_required or not is_loopback(self.host)

    def key_file(self) -> Path:
        """Where the keys are kept when ``API_KEYS`` is empty."""
        return Path(self.api_keys_file or Path(self.data_dir) / KEY_FILE_NAME)

    def credentials(self) -> Credentials:
        """The deployment's keys, read once: every key that is accepted, and this service's own.

        With credentials off and no ``API_KEYS`` there are none (and no key file is made): the
        service accepts anyone and sends no key. ValueError for keys written wrong.
        """
        if self._credentials is None:
            if self.auth_on or self.api_keys.strip():
                self._credentials = load_credentials(self.api_keys, self.key_file())
            else:
                self._credentials = Credentials()
        return self._credentials

    def own_headers(self) -> dict[str, str]:
        """The header carrying this service's own key on its calls to the others."""
        return self.credentials().headers_for(self.service_name)


class SeededSettings(ServiceSettings):
    """A service that loads its part of the synthetic world on first start.

    Population and insurance read the same two variables, so they generate the same people.
    """

    seed_citizens: int = 10_000
    seed_random_seed: int = 2024
