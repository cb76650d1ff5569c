"""Workloads against a running sandbox: who to pick, which forms to build, in what proportions.

Shared by ``replay`` (scenario dossiers), ``record`` (mapping real people back to roles) and
``load`` (census-shaped streams of dossiers), so all three pick people the same way.
"""
