"""Site-wide security rules from DESIGN.md: CSP, CSRF, safe redirects, login limits,
and a clean `check --deploy` with production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]


def test_pages_send_a_csp_that_forbids_inline_script(client, db):  # the page lists providers
    response = client.get(reverse("login"))
    policy = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy)[1]
    assert script_src.split() == ["'self'"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy


@pytest.mark.parametrize("path", sorted((ROOT / "templates").rglob("*.html")),
                         ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_templates_carry_no_inline_script_or_handlers(path):
    if path.parts[-2] == "email":
        return  # e-mails are read in mail clients, not under our CSP
    html = path.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", html), "inline event handler"
    assert "javascript:" not in html
    assert not re.search(r"\sstyle\s*=", html), "inline style attribute"
    assert "|safe" not in html


def test_login_next_never_leaves_the_site(alice):
    client = Client()
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = client.post(reverse("login"), {"username": "alice", "password": "pw",
                                                  "next": target})
        assert response.status_code == 302
        assert "evil" not in response.url and "javascript" not in response.url
        client.logout()
    response = client.post(reverse("login"), {"username": "alice", "password": "pw",
                                              "next": "/new/"})
    assert response.url == "/new/"


def test_login_is_rate_limited_even_with_the_right_password(alice, settings):
    settings.TEND_LOGIN_ATTEMPTS = 3
    client = Client()
    for _ in range(3):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("login"), {"username": "alice", "password": "pw"})
    assert response.status_code == 200
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_successful_login_resets_the_count(alice, settings):
    settings.TEND_LOGIN_ATTEMPTS = 3
    client = Client()
    for _ in range(2):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "alice", "password": "pw"}).status_code == 302
    client.logout()
    for _ in range(2):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "alice", "password": "pw"}).status_code == 302


def test_forms_refuse_posts_without_a_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(reverse("portal:new"), {"title": "x", "impact": 3, "urgency": 3})
    assert response.status_code == 403
    response = Client(enforce_csrf_checks=True).post(
        reverse("login"), {"username": "alice", "password": "pw"})
    assert response.status_code == 403


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "p" * 20 + "Zx9!k" * 10,
           "ALLOWED_HOSTS": "tend.example.com", "DJANGO_SETTINGS_MODULE": "itsm.config.settings"}
    env.pop("SECURE_SSL_REDIRECT", None)
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy",
                             "--fail-level", "WARNING"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "",
           "DJANGO_SETTINGS_MODULE": "itsm.config.settings"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
                            env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
