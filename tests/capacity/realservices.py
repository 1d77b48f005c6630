"""Fixtures for the real node exporter and Prometheus that `.ci/run` starts on 127.0.0.1.

Their URLs come from TEND_TEST_NODE_EXPORTER_URL (the /metrics URL) and
TEND_TEST_PROMETHEUS_URL (the base URL). Off CI a missing one skips the test with the
reason; under CI it fails it, so a green run really scraped and queried them.
"""

import json
import os
import urllib.request

import pytest

from tests.conftest import need
from tests.waiting import wait_for


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (test URL)
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def node_exporter_url() -> str:
    url = os.environ.get("TEND_TEST_NODE_EXPORTER_URL", "")
    need(bool(url) and _answers(url), "needs a node exporter: set TEND_TEST_NODE_EXPORTER_URL="
                                      "http://127.0.0.1:19100/metrics (.ci/run starts one)")
    return url


@pytest.fixture(scope="session")
def prometheus_url() -> str:
    url = os.environ.get("TEND_TEST_PROMETHEUS_URL", "").rstrip("/")
    need(bool(url) and _answers(f"{url}/-/ready"),
         "needs Prometheus: set TEND_TEST_PROMETHEUS_URL=http://127.0.0.1:19090 "
         "(.ci/run starts one scraping the node exporter)")

    def has_node_data():
        query = urllib.request.quote("node_load1")
        with urllib.request.urlopen(f"{url}/api/v1/query?query={query}",  # noqa: S310
                                    timeout=2) as response:
            return bool(json.load(response)["data"]["result"])

    wait_for(has_node_data, seconds=60, every=1)
    return url
