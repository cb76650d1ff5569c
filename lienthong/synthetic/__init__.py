"""The synthetic world: deterministic people and their insurance facts, generated from a seed.

Each agency loads its own part (population: citizens and households; insurance: contribution
history, pensions, social assistance, children's cards) from the same generator and seed, so
the agencies agree about who exists without reading each other's tables.
"""
