"""Performance shortcuts, one module each, every one saying what it buys and which
benchmark shows it (bench/run.py and the other scripts in bench/; figures in README.md)."""
