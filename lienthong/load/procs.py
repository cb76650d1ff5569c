"""What the processes of a run cost: resident memory and CPU of each service, and of the tool.

Read from ``/proc`` (Linux) for the pids ``up`` recorded in its lock, so only when the run was
found through its data dir. ``VmHWM`` is a process's peak resident set since it started; the
peak *during the run* is the highest ``VmRSS`` sampled at each poll. CPU is ``utime + stime``
before and after, as a share of one core over the run's wall time. The tool's own CPU is
``time.process_time()`` over the same span: what it costs to generate the load.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

__all__ = ["ProcWatch", "SelfCost", "cpu_seconds", "memory_kb"]

_TICKS: Final = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def memory_kb(pid: int) -> dict[str, int]:
    """``VmRSS`` and ``VmHWM`` of ``pid`` in kB (empty when unreadable)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return {}
    found: dict[str, int] = {}
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds ``pid`` used so far (None when unreadable)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except OSError:
        return None
    fields = text.rsplit(")", 1)[-1].split()  # after "(comm)", which may hold spaces
    return (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass
class ProcWatch:
    """Samples the memory of named pids; CPU from the first sample to the last."""

    pids: Mapping[str, int]
    peak_rss_kb: dict[str, int] = field(default_factory=dict)
    hwm_kb: dict[str, int] = field(default_factory=dict)
    cpu_start: dict[str, float] = field(default_factory=dict)
    cpu_end: dict[str, float] = field(default_factory=dict)
    wall_start: float = 0.0
    wall_end: float = 0.0

    def sample(self) -> None:
        """Read each process once (the first call also starts the CPU span)."""
        now = time.perf_counter()  # real-time ok
        first = not self.cpu_start
        for name, pid in self.pids.items():
            memory = memory_kb(pid)
            if "VmRSS" in memory:
                self.peak_rss_kb[name] = max(self.peak_rss_kb.get(name, 0), memory["VmRSS"])
            if "VmHWM" in memory:  # updated lazily by the kernel: never below a seen VmRSS
                self.hwm_kb[name] = max(memory["VmHWM"], self.peak_rss_kb.get(name, 0))
            cpu = cpu_seconds(pid)
            if cpu is not None:
                if first:
                    self.cpu_start[name] = cpu
                self.cpu_end[name] = cpu
        if first:
            self.wall_start = now
        self.wall_end = now

    def report(self) -> dict[str, dict[str, Any]]:
        """Per process: pid, peak RSS during the run, VmHWM, CPU seconds and cores used."""
        wall = max(self.wall_end - self.wall_start, 1e-9)
        out: dict[str, dict[str, Any]] = {}
        for name, pid in self.pids.items():
            cpu = None
            if name in self.cpu_start and name in self.cpu_end:
                cpu = self.cpu_end[name] - self.cpu_start[name]
            out[name] = {
                "pid": pid,
                "peak_rss_mb": _mb(self.peak_rss_kb.get(name)),
                "hwm_mb": _mb(self.hwm_kb.get(name)),
                "cpu_s": None if cpu is None else round(cpu, 2),
                "cores": None if cpu is None else round(cpu / wall, 3),
            }
        return out


def _mb(kb: int | None) -> float | None:
    return None if kb is None else round(kb / 1024, 1)


@dataclass
class SelfCost:
    """The load tool's own CPU, phase by phase."""

    phases: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Phase → (CPU seconds, wall seconds)."""
    _cpu: float = 0.0
    _wall: float = 0.0

    def begin(self) -> None:
        """Start measuring a phase."""
        self._cpu = time.process_time()  # real-time ok
        self._wall = time.perf_counter()  # real-time ok

    def end(self, phase: str) -> None:
        """End the phase begun last and keep its CPU and wall seconds."""
        cpu = time.process_time() - self._cpu  # real-time ok
        wall = time.perf_counter() - self._wall  # real-time ok
        self.phases[phase] = (cpu, wall)

    def report(self, dossiers: int, forms: int) -> dict[str, Any]:
        """CPU and share of a core per phase, CPU per dossier (``prepare``: per form built,
        ``forms``; the others: per dossier sent, ``dossiers``), peak memory."""
        out: dict[str, Any] = {}
        for phase, (cpu, wall) in self.phases.items():
            per = forms if phase == "prepare" else dossiers
            out[phase] = {
                "cpu_s": round(cpu, 3),
                "wall_s": round(wall, 3),
                "cores": round(cpu / wall, 3) if wall > 0 else None,
                "cpu_ms_per_dossier": round(cpu * 1000 / per, 3) if per else None,
            }
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        out["max_rss_mb"] = round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)
        return out
