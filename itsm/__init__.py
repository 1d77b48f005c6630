"""The core app: people, roles, teams, services, assets, calendars, notifications and the
web and API plumbing every app shares. It imports no app above it (see pyproject.toml)."""
