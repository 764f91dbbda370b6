"""Benchmarks run with `python -m benchmarks.NAME`; see the README."""
