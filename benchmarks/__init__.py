"""Benchmarks of Journeys: import, export, engine, callbacks and the recipients page.

Run `python -m benchmarks --help`. The benchmarks are not tests: they measure, and the
tiny size only shows in CI that every figure still runs end to end.
"""
