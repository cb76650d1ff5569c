"""API keys: written as settings or kept in a key file, made once, found by whoever holds them."""

from __future__ import annotations

import re
import stat
import threading
from pathlib import Path

import pytest

from lienthong.contracts.services import SERVICE_NAMES
from lienthong.runtime.credentials import (
    ADMIN,
    CLIENT,
    PRINCIPALS,
    Credentials,
    bearer,
    ensure_key_file,
    generate_keys,
    is_loopback,
    load_credentials,
    parse_keys,
    role_of,
)
from services.population.settings import PopulationSettings

ADMIN_KEY = "admin-key-0123456789"
CLIENT_KEY = "client-key-0123456789"


def test_keys_are_principal_key_pairs_separated_by_commas_or_lines() -> None:
    text = (
        f"admin={ADMIN_KEY}, client={CLIENT_KEY}\n# a comment\nclient:portal-a=portal-key-01234567"
    )

    keys = parse_keys(text)

    assert keys == {ADMIN: ADMIN_KEY, CLIENT: CLIENT_KEY, "client:portal-a": "portal-key-01234567"}
    assert role_of("client:portal-a") == CLIENT and role_of(ADMIN) == ADMIN


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("admin", "principal=key"),
        ("root=secret-secret-secret", "unknown principal"),
        ("client:=secret-secret-secret", "unknown principal"),
        ("admin=short", "16+ characters"),
        (f"admin={ADMIN_KEY},admin={CLIENT_KEY}", "has a key already"),
        (f"admin={ADMIN_KEY},client={ADMIN_KEY}", "the same key as admin"),
    ],
)
def test_a_key_written_wrong_is_refused_without_repeating_any_key(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=re.escape(why)) as refused:
        parse_keys(text)

    message = str(refused.value)
    assert "secret-secret" not in message and ADMIN_KEY not in message and "short" not in message


def test_generated_keys_are_random_one_per_principal() -> None:
    first, second = generate_keys(), generate_keys()

    assert set(first) == set(PRINCIPALS) == {ADMIN, CLIENT, *SERVICE_NAMES}
    assert len(set(first.values())) == len(PRINCIPALS)
    assert not set(first.values()) & set(second.values())
    assert all(key.startswith("lt_") and len(key) >= 32 for key in first.values())


def test_the_key_file_is_made_once_for_the_owner_only_and_then_read(tmp_path: Path) -> None:
    path = tmp_path / "dir" / "api-keys"

    made = ensure_key_file(path)
    again = ensure_key_file(path)

    assert made == again and set(made) == set(PRINCIPALS)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["api-keys"]  # no temporary left


def test_processes_starting_together_all_get_the_same_keys(tmp_path: Path) -> None:
    path = tmp_path / "api-keys"
    results: list[dict[str, str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(ensure_key_file(path))) for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 8 and all(result == results[0] for result in results)


def test_inline_keys_win_over_the_key_file(tmp_path: Path) -> None:
    inline = load_credentials(f"admin={ADMIN_KEY}", tmp_path / "api-keys")

    assert inline.keys == {ADMIN: ADMIN_KEY} and inline.source == "API_KEYS"
    assert not (tmp_path / "api-keys").exists()


def test_a_presented_key_is_found_by_whose_it_is() -> None:
    credentials = Credentials({ADMIN: ADMIN_KEY, CLIENT: CLIENT_KEY})

    assert credentials.principal_of(CLIENT_KEY) == CLIENT
    assert credentials.principal_of(CLIENT_KEY[:-1]) is None
    assert credentials.headers_for(ADMIN) == {"Authorization": f"Bearer {ADMIN_KEY}"}
    assert credentials.headers_for("population") == {} == bearer(None)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.10", False),
        ("gateway", False),
    ],
)
def test_only_loopback_keeps_a_service_on_this_machine(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_credentials_are_off_on_loopback_and_on_when_asked_or_listening_beyond(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOST", "AUTH_REQUIRED", "API_KEYS", "API_KEYS_FILE"):
        monkeypatch.delenv(name, raising=False)
    data_dir = str(tmp_path)

    open_one = PopulationSettings(data_dir=data_dir)
    assert not open_one.auth_on
    assert open_one.credentials().keys == {} and open_one.own_headers() == {}
    assert not (tmp_path / "api-keys").exists()  # nothing made for a service that needs none

    asked = PopulationSettings(data_dir=data_dir, auth_required=True)
    beyond = PopulationSettings(data_dir=data_dir, host="0.0.0.0")
    assert asked.auth_on and beyond.auth_on
    assert asked.credentials().keys == beyond.credentials().keys  # both read the one file
    assert asked.own_headers()["Authorization"].startswith("Bearer lt_")
    assert asked.key_file() == tmp_path / "api-keys"


def test_a_service_with_inline_keys_sends_its_own_even_when_open() -> None:
    settings = PopulationSettings(api_keys=f"population={ADMIN_KEY}")

    assert not settings.auth_on
    assert settings.own_headers() == {"Authorization": f"Bearer {ADMIN_KEY}"}
