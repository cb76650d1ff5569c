"""Dependencies the gateway's routes share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from lienthong.runtime.app import RuntimeDep
from services.gateway.deadlines import DeadlinePolicy
from services.gateway.handlers import Tracker


def get_deadlines(runtime: RuntimeDep) -> DeadlinePolicy:
    """The deadline policy the gateway's composition root gave its tracker."""
    assert isinstance(runtime.handlers, Tracker), "the gateway is built with its tracker"
    return runtime.handlers.policy


DeadlinesDep = Annotated[DeadlinePolicy, Depends(get_deadlines)]
