"""Management commands of problems."""
