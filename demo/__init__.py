"""Demo data and logins for `make run` and screenshots. Production settings do not install
this app (INSTALLED_APPS gets it only with TEND_DEMO=1); it may import any app, and no app
imports it."""
