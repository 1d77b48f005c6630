"""Services of the core: the only code that writes the core models."""
