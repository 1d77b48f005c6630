"""Services of inbound: the only code that writes its models."""
