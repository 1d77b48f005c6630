"""Chat messages built from domain events (pure functions, no I/O and no ORM), the chat
settings (conf.py) and its Celery tasks (tasks.py).

`summary.summarize` reads an itsm.events.Event into the few things a chat message says;
`slack.message` makes Block Kit of it and `teams.message` an Adaptive Card in the envelope
Teams Workflows webhooks take. integrations/services/chat/ queues and sends them.
"""
