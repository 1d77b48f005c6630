"""/api/v1/checks and /api/v1/availability take what the schema says, which says the bounds."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from monitoring.models import Check

CHECK = {"kind": "tcp", "name": "DB port", "target": "127.0.0.1:5432"}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("change, field", [
    ({"target": 5432}, "target"), ({"name": 1}, "name"), ({"verify_tls": 0}, "verify_tls"),
    ({"interval": 5}, "interval"), ({"timeout": 31}, "timeout"),
    ({"failure_threshold": 0}, "failure_threshold"),
])
def test_a_check_refuses_wrong_types_and_values_out_of_bounds(dee, change, field):
    response = api(dee).post("/api/v1/checks/", {**CHECK, **change}, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Check.objects.exists()


def test_the_schema_states_the_bounds_every_kind_shares(client, dee):
    client.force_login(dee)
    schema = client.get(reverse("schema"), HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    fields = schema["components"]["schemas"]["CheckRequest"]["properties"]
    assert fields["interval"]["minimum"] == 10
    assert (fields["timeout"]["minimum"], fields["timeout"]["maximum"]) == (1, 30)
    assert fields["recovery_threshold"]["maximum"] == 100


@pytest.mark.parametrize("query, field", [("check=abc", "check"), ("service=x", "service"),
                                          ("check=0", "check"),
                                          ("check=99999999999999999999", "check")])
def test_availability_names_the_parameter_with_a_bad_id(dee, query, field):
    response = api(dee).get(f"/api/v1/availability/?{query}")
    assert response.status_code == 400 and field in response.json()
