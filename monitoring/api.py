def register(router) -> None:
    """Monitoring viewsets are registered here."""
