"""The schema of /api/v1/kb/…: what needs a sign-in, and what search and suggest return."""

import re

import pytest
from drf_spectacular.generators import SchemaGenerator

KB = "/api/v1/kb/"


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def test_reads_offer_anonymous_access_and_writes_and_versions_do_not(schema):
    anonymous = {(method, path) for path, operations in schema["paths"].items()
                 if path.startswith(KB) for method, operation in operations.items()
                 if {} in operation.get("security", [])}
    assert anonymous == {
        ("get", KB + "articles/"), ("get", KB + "articles/{id}/"),
        ("get", KB + "articles/{id}/attachments/"), ("get", KB + "articles/{id}/links/"),
        ("get", KB + "search/"), ("get", KB + "suggest/")}


def test_search_and_suggest_answer_one_object_with_a_count_and_the_hits(schema):
    for path in ("search/", "suggest/"):
        ok = schema["paths"][KB + path]["get"]["responses"]["200"]
        body = ok["content"]["application/json"]["schema"]
        name = body["$ref"].rsplit("/", 1)[-1]
        result = schema["components"]["schemas"][name]
        assert set(result["properties"]) == {"count", "results"}
        assert result["properties"]["results"]["type"] == "array"


def test_the_query_is_required_and_its_pattern_refuses_what_the_view_refuses(schema):
    for path in ("search/", "suggest/"):
        q = next(p for p in schema["paths"][KB + path]["get"]["parameters"] if p["name"] == "q")
        assert q["required"] and "allowEmptyValue" not in q
        pattern = re.compile(q["schema"]["pattern"])
        assert pattern.match("vpn 809") and pattern.match(" \tvpn")
        assert not any(pattern.match(text) for text in ("", "   ", "vpn\x00", "vpn\x9f"))


def test_list_filters_document_ids(schema):
    parameters = {p["name"]: p["schema"]
                  for p in schema["paths"][KB + "articles/"]["get"]["parameters"]}
    for name in ("category", "service"):
        assert parameters[name]["type"] == "integer" and parameters[name]["minimum"] == 1
