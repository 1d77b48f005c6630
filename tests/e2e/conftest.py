import os

import pytest


@pytest.fixture
def browser(chromium_path):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            args=["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking"])
        yield browser
        browser.close()
        # The ORM calls made while Playwright's loop ran used their own connection;
        # closed here, the test database can be dropped at the end of the run.
        from django.db import connections

        connections.close_all()


@pytest.fixture
def shots(tmp_path):
    folder = os.environ.get("TEND_E2E_SHOTS") or str(tmp_path / "shots")
    os.makedirs(folder, exist_ok=True)
    return folder
