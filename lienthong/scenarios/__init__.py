"""Scenarios: a flow described once — dossiers, faults, timing, what must come out — and replayed.

``model`` is the file format (its JSON Schema is published under ``scenarios/``), ``loading``
reads YAML with line numbers, ``planning`` turns a scenario into timed submissions against a
running system's people, ``running`` drives the system, ``verdicts`` compares what came out with
what was expected, ``reporting`` says it for people and for CI.
"""
