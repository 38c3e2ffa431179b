"""Benchmark at national scale: the data generator and `make bench` (see README, Benchmark)."""
