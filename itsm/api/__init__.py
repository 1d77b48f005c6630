"""The core's REST API plumbing (token sign-in, paging, permissions, errors, the schema's
rules, strict input fields and filters) and calendars."""
