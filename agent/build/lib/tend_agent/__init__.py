"""Tend's host agent: measures the host and pushes to Tend, spooling while Tend is away.

Standard library only, besides psutil. Nothing here imports Tend: the agent runs on the
hosts Tend watches, installed with `pip install ./agent`.
"""

__version__ = "0.1.0"
