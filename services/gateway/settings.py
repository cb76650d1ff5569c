"""Settings of the gateway (Cổng Dịch vụ công + phần mềm dịch vụ công liên thông)."""

from typing import ClassVar

from lienthong.runtime.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    """Gateway configuration (env: PORT, DATABASE_URL, ...)."""

    service_name: ClassVar[str] = "gateway"
    default_port: ClassVar[int] = 8000
