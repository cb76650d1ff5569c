"""Benchmarks of a sandbox: what the broker and the hops cost before any agency does anything.

``run_null_pipeline`` measures the birth flow's hops with raw aiokafka relays (no database, no
logic) on a given broker; ``lienthong bench`` runs it next to the full system and prints the
ratio, so a figure for the system always comes with the ceiling the same machine allows.
"""

from lienthong.bench.measure import NullPipelineResult
from lienthong.bench.null_pipeline import NULL_HOPS, NullPipelineError, run_null_pipeline

__all__ = ["NULL_HOPS", "NullPipelineError", "NullPipelineResult", "run_null_pipeline"]
