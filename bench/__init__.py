"""Benchmark of the extraction pipeline: corpus builder and harness (see bench/RESULTS.md)."""
