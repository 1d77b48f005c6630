"""Checks that keep the house plan (DESIGN.md): the write rule, import cycles, module layout.

Each checker runs as a script (`python tools/check_writes.py`) from `make lint`, needs no
Django setup, and exposes a function tests/test_architecture.py calls on fixture trees.
"""
