def register(router) -> None:
    """Maintenance viewsets are registered here."""
