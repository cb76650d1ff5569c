"""The registry stays cheap: ``lienthong serve NAME`` loads one service's app, not all four."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_registry_imports_no_app() -> None:
    code = (
        "import sys, services.registry; "
        "print(sorted(m for m in sys.modules if m.startswith('services.') and m.endswith('.app')))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
