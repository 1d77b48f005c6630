"""Management commands of inbound."""
