"""Sending dossiers: the small HTTP client, the open and closed loops, batches, and the forms
prepared ahead — against an HTTP server inside the test's own event loop (no process)."""

from __future__ import annotations

import asyncio
import json
import random
import socket
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio

from lienthong.load.forms import FormSource
from lienthong.load.plan import LoadPlan, Mode
from lienthong.load.submit import RunClock, SubmitLog, submit_all
from lienthong.load.wire import WireClient, WireError

Answer = Callable[[str, str, bytes, dict[str, str]], tuple[int, bytes]]


@dataclass
class FakeGateway:
    """HTTP/1.1 with keep-alive; answers through ``answer`` after ``delay_s``."""

    answer: Answer
    delay_s: float = 0.0
    close_after_each: bool = False
    chunked: bool = False
    requests: list[tuple[str, str, bytes, dict[str, str]]] = field(default_factory=list)
    in_flight: int = 0
    most_in_flight: int = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                request_line, *lines = head.decode().split("\r\n")
                method, path, _ = request_line.split(" ")
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (x.partition(":") for x in lines if x)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests.append((method, path, body, headers))
                self.in_flight += 1
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                await asyncio.sleep(self.delay_s)
                self.in_flight -= 1
                status, payload = self.answer(method, path, body, headers)
                writer.write(self._response(status, payload))
                await writer.drain()
                if self.close_after_each:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    def _response(self, status: int, payload: bytes) -> bytes:
        if self.chunked:
            half = len(payload) // 2
            chunks = b"".join(
                b"%x\r\n%s\r\n" % (len(part), part) for part in (payload[:half], payload[half:])
            )
            return b"HTTP/1.1 %d X\r\ntransfer-encoding: chunked\r\n\r\n%s0\r\n\r\n" % (
                status,
                chunks,
            )
        return b"HTTP/1.1 %d X\r\ncontent-length: %d\r\n\r\n%s" % (status, len(payload), payload)


def accept_all(method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    if path.endswith("/batch"):
        forms = json.loads(body)["dossiers"]
        results = [
            {"index": i, "status": "accepted", "dossier_id": f"id-{f['idempotency_key']}"}
            for i, f in enumerate(forms)
        ]
        return 200, json.dumps({"results": results}).encode()
    return 202, json.dumps({"dossier_id": f"id-{headers.get('idempotency-key')}"}).encode()


@pytest_asyncio.fixture
async def serve() -> AsyncIterator[Callable[[FakeGateway], Any]]:
    servers: list[asyncio.Server] = []

    async def start(gateway: FakeGateway) -> str:
        server = await asyncio.start_server(gateway.handle, "127.0.0.1", 0)
        servers.append(server)
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    yield start
    for server in servers:
        server.close()


class FakeMaker:
    """Forms numbered in order; deaths run out after ``deaths`` of them."""

    def __init__(self, deaths: int = 1000) -> None:
        self.made = 0
        self.deaths_left = deaths

    async def prepare(self, provinces: Iterable[str] | None = None) -> None:
        return None

    async def birth(self, province: str | None = None) -> dict[str, Any]:
        self.made += 1
        return {"kind": "birth", "n": self.made, "province": province}

    async def death(self, province: str | None = None) -> dict[str, Any]:
        if self.deaths_left <= 0:
            raise LookupError("nobody left")
        self.deaths_left -= 1
        self.made += 1
        return {"kind": "death", "n": self.made}

    async def aclose(self) -> None:
        return None


def source(birth_share: float = 1.0, deaths: int = 1000) -> FormSource:
    return FormSource(FakeMaker(deaths), run_tag="t", birth_share=birth_share, rng=random.Random(1))


async def test_requests_share_one_kept_alive_connection(serve: Any) -> None:
    gateway = FakeGateway(accept_all)
    client = WireClient(await serve(gateway))
    for n in range(5):
        answer = await client.post_json("/api/v1/dossiers", b"{}", {"Idempotency-Key": str(n)})
        assert answer.status == 202 and answer.json() == {"dossier_id": f"id-{n}"}
    got = await client.get("/api/v1/stats", {"a": 1, "b": None})
    assert got.status == 202 and gateway.requests[-1][1] == "/api/v1/stats?a=1"
    assert client.opened == 1
    await client.aclose()


async def test_a_connection_the_server_closed_is_replaced_and_the_request_sent_again(
    serve: Any,
) -> None:
    gateway = FakeGateway(accept_all, close_after_each=True, chunked=True)
    client = WireClient(await serve(gateway))
    for n in range(3):
        answer = await client.post_json("/x", b"{}", {"Idempotency-Key": str(n)})
        assert answer.json() == {"dossier_id": f"id-{n}"}
    assert client.opened == 3 and len(gateway.requests) == 3
    await client.aclose()


async def test_a_connection_idle_too_long_is_not_reused(
    serve: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lienthong.load.wire.IDLE_MAX_S", 0.0)
    client = WireClient(await serve(FakeGateway(accept_all)))
    for _ in range(3):
        assert (await client.get("/health")).status == 202
    assert client.opened == 3
    await client.aclose()


async def test_no_answer_is_a_wire_error(serve: Any) -> None:
    slow = WireClient(await serve(FakeGateway(accept_all, delay_s=1.0)), timeout_s=0.05)
    with pytest.raises(WireError, match="no answer"):
        await slow.get("/health")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(WireError):
        await WireClient(f"http://127.0.0.1:{port}").get("/health")
    with pytest.raises(ValueError):
        WireClient("ftp://x")


async def test_the_open_loop_sends_on_schedule_and_records_every_answer(serve: Any) -> None:
    def answer(method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        n = int(headers["idempotency-key"].rsplit("-", 1)[1])
        if n == 3:
            return 422, b'{"detail": []}'
        if n == 4:
            return 503, b'{"detail": "overloaded"}'
        return accept_all(method, path, body, headers)

    gateway = FakeGateway(answer)
    client = WireClient(await serve(gateway))
    plan = LoadPlan(Mode.RATE, duration_s=0.5, rate=40)
    forms, log, accepted = source(), SubmitLog(), []
    await forms.fill(20)
    clock = RunClock()
    await submit_all(plan, client, forms, clock, log, lambda d, k, t: accepted.append(d))
    assert len(log.outcomes) == 20
    assert log.outcome_counts() == {"accepted": 18, "invalid": 1, "overloaded": 1}
    assert accepted == log.accepted_ids() and len(accepted) == 18
    assert max(log.sent_at) == pytest.approx(0.4875, abs=0.05)  # the 20th instant
    assert len(log.lag_s) == 20 and forms.starved == 0
    assert all(h["idempotency-key"].startswith("load-t-") for *_, h in gateway.requests)
    assert any(e.startswith("invalid:") for e in log.errors)
    await client.aclose()


async def test_arrivals_beyond_max_in_flight_are_dropped_not_delayed(serve: Any) -> None:
    client = WireClient(await serve(FakeGateway(accept_all, delay_s=0.3)))
    plan = LoadPlan(Mode.RATE, duration_s=0.2, rate=50, max_in_flight=2)
    forms, log = source(), SubmitLog()
    await submit_all(plan, client, forms, RunClock(), log, lambda d, k, t: None)
    assert len(log.outcomes) == 2 and log.dropped == 8
    await client.aclose()


async def test_batches_carry_n_forms_and_their_results(serve: Any) -> None:
    gateway = FakeGateway(accept_all)
    client = WireClient(await serve(gateway))
    plan = LoadPlan(Mode.RATE, duration_s=0.25, rate=40, batch=4)
    forms, log = source(), SubmitLog()
    await submit_all(plan, client, forms, RunClock(), log, lambda d, k, t: None)
    assert [len(json.loads(body)["dossiers"]) for _, _, body, _ in gateway.requests] == [4, 4, 2]
    assert log.requests == 3 and log.outcome_counts() == {"accepted": 10}
    first = json.loads(gateway.requests[0][2])["dossiers"][0]
    assert first["idempotency_key"] == "load-t-0" and first["form"]["kind"] == "birth"
    await client.aclose()


async def test_the_closed_loop_keeps_concurrency_requests_in_flight(serve: Any) -> None:
    gateway = FakeGateway(accept_all, delay_s=0.01)
    client = WireClient(await serve(gateway))
    plan = LoadPlan(Mode.MAX, duration_s=0.3, concurrency=4)
    forms, log = source(), SubmitLog()
    await submit_all(plan, client, forms, RunClock(), log, lambda d, k, t: None)
    assert gateway.most_in_flight == 4
    assert 20 < len(log.outcomes) < 200 and not log.lag_s
    assert client.opened == 4
    await client.aclose()


async def test_forms_mix_births_and_deaths_and_fall_back_when_nobody_is_left_to_die() -> None:
    forms = source(birth_share=0.5, deaths=3)
    await forms.fill(40)
    kinds = [(await forms.next()).kind for _ in range(40)]
    assert kinds.count("death") == 3 and forms.deaths_short > 0
    assert forms.starved == 0
    extra = await forms.next()  # nothing ready, no refill: built on the spot, counted
    assert extra.n == 40 and forms.starved == 1
    await forms.aclose()


async def test_a_background_refill_keeps_bodies_ready() -> None:
    forms = source()
    forms.start_refill(keep=100)
    await asyncio.sleep(0.05)
    assert forms.ready >= 100
    numbers = [(await forms.next()).n for _ in range(150)]
    assert numbers == list(range(150))
    await forms.aclose()
