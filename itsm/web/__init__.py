"""Web plumbing every app's pages share: access gates, form helpers, htmx, paging, sign-in."""
