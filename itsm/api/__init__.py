"""The core's REST API plumbing (token sign-in, paging, permissions, errors) and calendars."""
