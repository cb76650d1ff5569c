"""The service registry: one entry per service of the contracts, built from its own classes."""

from __future__ import annotations

import pytest

from lienthong.contracts.services import SERVICES
from lienthong.runtime.settings import ServiceSettings
from services.civil_registry.settings import CivilRegistrySettings
from services.registry import REGISTRY, service_entry


def test_every_service_of_the_contracts_has_an_entry_in_start_order() -> None:
    assert [entry.info for entry in REGISTRY.values()] == list(SERVICES)
    assert list(REGISTRY) == [service.name for service in SERVICES]


def test_each_settings_class_agrees_with_the_contracts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PORT", raising=False)
    for entry in REGISTRY.values():
        assert issubclass(entry.settings_class, ServiceSettings)
        assert entry.settings_class.service_name == entry.name
        assert entry.settings_class().port == entry.info.default_port


def test_an_unknown_service_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="unknown service 'registry'; one of gateway, civil_re"):
        service_entry("registry")


def test_an_app_refuses_another_service_s_settings() -> None:
    with pytest.raises(TypeError, match="expected GatewaySettings, got CivilRegistrySettings"):
        service_entry("gateway").create_app(CivilRegistrySettings())
