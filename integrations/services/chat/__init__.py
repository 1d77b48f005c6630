"""Chat: channels admins configure (channels.py), the itsm.events listener that queues a
message per matching channel (outbox.py, quiet hours in hours.py) and the sender that
claims, posts and retries them (sending.py)."""
