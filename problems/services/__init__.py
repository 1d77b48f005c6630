"""Problem services: the only code that writes problem models."""
