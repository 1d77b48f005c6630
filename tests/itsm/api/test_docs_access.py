"""/api/schema/ and /api/docs/ need a sign-in unless TEND_API_DOCS_PUBLIC is on."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import api_key

JSON = "application/vnd.oai.openapi+json"


@pytest.mark.parametrize("accept", [JSON, "application/vnd.oai.openapi", "*/*"])
def test_anonymous_gets_a_401_json_for_the_schema_and_sign_in_for_the_docs(client, accept):
    response = client.get(reverse("schema"), HTTP_ACCEPT=accept)
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    response = client.get(reverse("api-docs"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    response = client.get(reverse("api-docs") + "?script=")
    assert response.status_code == 302


def test_a_session_or_a_token_reads_the_schema(alice, client):
    client.force_login(alice)
    assert client.get(reverse("schema"), HTTP_ACCEPT=JSON).status_code == 200
    assert client.get(reverse("api-docs")).status_code == 200
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_key(alice)}")
    assert api.get(reverse("schema"), HTTP_ACCEPT=JSON).status_code == 200


def test_an_admin_can_make_them_public(client, settings):
    settings.TEND_API_DOCS_PUBLIC = True
    assert client.get(reverse("schema"), HTTP_ACCEPT=JSON).status_code == 200
    assert client.get(reverse("api-docs")).status_code == 200
