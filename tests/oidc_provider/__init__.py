"""A real OpenID Connect provider for the single sign-on tests: a tiny Django project on
django-oauth-toolkit, started by `server.py` (the `oidc_provider` fixture) as its own process.

It is never part of Tend: its own settings, its own SQLite file in a temp folder, its own
cookie names (both servers run on 127.0.0.1, and browsers share cookies across ports).
"""
