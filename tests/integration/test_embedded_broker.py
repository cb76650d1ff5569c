"""The embedded broker: a real Tansu process, started, used through aiokafka and stopped."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from lienthong.cli.broker import BrokerError, EmbeddedBroker
from lienthong.cli.ports import accepts_connections


def _is_listening(port: int) -> bool:
    return accepts_connections("127.0.0.1", port)


async def test_embedded_broker_round_trips_a_message() -> None:
    """A real aiokafka producer and consumer talk through the Tansu we started."""
    topic = f"test.{uuid.uuid4().hex}"
    with EmbeddedBroker() as broker:
        bootstrap = broker.bootstrap_servers
        port = int(bootstrap.rsplit(":", 1)[1])
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(topic, 1, 1)])
        finally:
            await admin.close()
        producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=False)
        await producer.start()
        try:
            await producer.send_and_wait(topic, b"xin chao", key=b"dossier-1")
        finally:
            await producer.stop()
        consumer = AIOKafkaConsumer(
            topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", group_id=None
        )
        await consumer.start()
        try:
            record = await asyncio.wait_for(consumer.getone(), 20)
        finally:
            await consumer.stop()
        assert (record.key, record.value) == (b"dossier-1", b"xin chao")
        assert broker.running
    assert not broker.running
    assert not _is_listening(port)


def test_broker_stop_ends_the_process_and_is_idempotent() -> None:
    lines: list[str] = []
    broker = EmbeddedBroker(on_line=lines.append)
    bootstrap = broker.start()
    pid = broker.pid
    assert pid is not None
    broker.stop()
    broker.stop()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert any("tansu" in line for line in lines)
    assert not _is_listening(int(bootstrap.rsplit(":", 1)[1]))


def test_broker_that_cannot_bind_reports_its_last_log_lines(listening_socket: int) -> None:
    broker = EmbeddedBroker(startup_timeout_s=10)
    with pytest.raises(BrokerError, match="Address in use"):
        broker.start(port=listening_socket)
    assert not broker.running
