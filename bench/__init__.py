"""Benchmark scripts: ``python -m bench.<area>`` prints the figures an issue asks for."""
