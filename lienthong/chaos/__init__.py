"""Driving a running sandbox through faults on purpose: load it, break it, drain it, count."""
