"""Start the test identity provider as a subprocess and drive it: `oidc_provider` fixture.

The provider gets a free port on 127.0.0.1, a fresh SQLite file and signing key; tests
add users (with their e-mail_verified flag and groups) and register Tend as a client.
Import the fixture into a test module: `from tests.oidc_provider.server import oidc_provider`.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
START_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Provider:
    url: str
    control_token: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def _post(self, path: str, data: dict) -> dict:
        response = httpx.post(f"{self.url}{path}", json=data, timeout=10,
                              headers={"X-Control-Token": self.control_token})
        response.raise_for_status()
        return response.json()

    def user(self, username: str, *, email: str, password: str = "idp-pass",  # noqa: S107
             email_verified: bool = True, groups: list[str] | None = None, **names) -> str:
        """Create or change a user; returns its subject (`sub`)."""
        return self._post("/control/user/", {
            "username": username, "email": email, "password": password,
            "email_verified": email_verified, "groups": groups or [], **names})["sub"]

    def client(self, client_id: str, secret: str, redirect_uris: list[str]) -> None:
        self._post("/control/client/", {"client_id": client_id, "secret": secret,
                                        "redirect_uris": redirect_uris})


def _manage(env: dict, *args: str, **kwargs):
    return [sys.executable, "-m", "django", *args], dict(cwd=ROOT, env=env, **kwargs)


def _wait(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test identity provider exited with {process.returncode}")
        try:
            httpx.get(f"{url}/o/.well-known/openid-configuration", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"the test identity provider did not answer within {START_SECONDS} s")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    pytest.importorskip("oauth2_provider", reason="needs django-oauth-toolkit "
                        "(requirements-dev.txt)")
    folder = tmp_path_factory.mktemp("oidc-provider")
    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
           "IDP_DATABASE": str(folder / "idp.sqlite3"),
           "IDP_CONTROL_TOKEN": secrets.token_urlsafe(24), "PYTHONPATH": str(ROOT)}
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    args, kwargs = _manage(env, "migrate", "--run-syncdb", "-v", "0")
    subprocess.run(args, check=True, timeout=120, **kwargs)
    log = (folder / "server.log").open("wb")
    args, kwargs = _manage(env, "runserver", f"127.0.0.1:{port}", "--noreload",
                           stdout=log, stderr=subprocess.STDOUT)
    process = subprocess.Popen(args, **kwargs)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(url, process)
        yield Provider(url=url, control_token=env["IDP_CONTROL_TOKEN"])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
