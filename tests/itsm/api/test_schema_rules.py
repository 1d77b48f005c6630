"""What itsm/api/schema.py and the shared fields make the schema say, and that it is so."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

JSON = "application/vnd.oai.openapi+json"


@pytest.fixture
def schema(client, dee):
    client.force_login(dee)
    return client.get(reverse("schema"), HTTP_ACCEPT=JSON).json()


def parameter(schema, path, name, method="get") -> dict:
    return next(p for p in schema["paths"][path][method]["parameters"] if p["name"] == name)


def test_throttled_sign_in_documents_its_429(schema):
    assert "429" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]


def test_an_empty_query_value_means_not_given_except_as_an_item_of_a_list(schema, dee):
    assert parameter(schema, "/api/v1/tickets/", "team")["allowEmptyValue"] is True
    status = parameter(schema, "/api/v1/tickets/", "status")
    assert status["schema"]["type"] == "array" and "allowEmptyValue" not in status
    client = APIClient()
    client.force_authenticate(dee)
    assert client.get("/api/v1/tickets/?team=").status_code == 200
    assert client.get("/api/v1/tickets/?status=").status_code == 400


def test_every_search_says_which_characters_it_refuses(schema, dee):
    for path in ("/api/v1/tickets/", "/api/v1/checks/"):
        q = parameter(schema, path, "q")["schema"]
        assert q["maxLength"] == 200 and q["pattern"].startswith("^[^\\u0000")
    client = APIClient()
    client.force_authenticate(dee)
    assert client.get("/api/v1/tickets/", {"q": "vpn\x13"}).status_code == 400


def test_a_form_body_says_empty_where_json_says_null(schema):
    content = schema["paths"]["/api/v1/tickets/"]["post"]["requestBody"]["content"]
    assert content["application/json"]["schema"]["$ref"].endswith("/TicketCreateRequest")
    form = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    category = schema["components"]["schemas"][form]["properties"]["category"]
    assert {"type": "string", "maxLength": 0} in category["anyOf"]
    assert "nullable" not in str(category)


def test_a_body_that_needs_one_key_or_another_is_required(schema):
    body = schema["paths"]["/api/v1/assets/{id}/inventory/"]["post"]["requestBody"]
    assert body["required"] is True
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][ref]["anyOf"] == [
        {"required": ["software"]}, {"required": ["pending"]}]
