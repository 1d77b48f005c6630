"""The capacity API: metrics push and series per asset (metrics.py), the board (board.py)."""

import importlib
import importlib.util


def register(router) -> None:
    from capacity.api import metrics

    metrics.register(router)
    if importlib.util.find_spec("capacity.api.board") is not None:
        importlib.import_module("capacity.api.board").register(router)
