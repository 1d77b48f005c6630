"""Test settings: the real settings, a throwaway key, a fast hasher, eager Celery."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "x" * 40)

from itsm.config.settings import *  # noqa: E402,F403

if "demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MEDIA_ROOT = os.environ.get("TEND_TEST_MEDIA", str(VAR_DIR / "test-media"))  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Sign-in policy and re-authentication off for the suites that sign in with force_login;
# tests/itsm/web/test_mfa*.py and the e2e sign-in tests turn them on.
TEND_MFA_REQUIRED_ROLES = []
TEND_REAUTH_MINUTES = 0
MFA_REAUTHENTICATION_REQUIRED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
