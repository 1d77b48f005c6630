"""The integrations app: signed webhooks and chat messages, fed by domain events."""
