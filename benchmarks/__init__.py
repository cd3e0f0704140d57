"""Benchmarks, run on demand: `./dev bench` (see README.md here); not collected by pytest."""
