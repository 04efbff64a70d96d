"""Benchmarks: `python -m bench NAME` (see docs/performance.md)."""
