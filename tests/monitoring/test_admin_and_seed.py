"""Checks in the admin go through the same rules (the demo seed's test is in tests/demo/)."""

from monitoring.models import Check, CheckStateChange


def test_the_admin_lists_checks_and_refuses_a_metadata_target(client_for, ada, make_check):
    make_check(kind="dns", target="localhost")
    client = client_for(ada)
    assert client.get("/admin/monitoring/check/").status_code == 200
    response = client.post("/admin/monitoring/check/add/", {
        "kind": "http", "name": "meta", "target": "http://169.254.169.254/",
        "http_method": "GET", "expected_status": "200-299", "keyword_mode": "",
        "tls_warn_days": 21, "period": 3600, "grace": 300, "interval": 60, "timeout": 10,
        "failure_threshold": 3, "recovery_threshold": 2, "priority": 2,
        "incident_mode": "resolve"})
    assert response.status_code == 200 and b"metadata" in response.content
    assert Check.objects.count() == 1


def test_the_admin_creates_a_check_through_the_service(client_for, ada):
    response = client_for(ada).post("/admin/monitoring/check/add/", {
        "kind": "dns", "name": "Directory", "target": "localhost", "http_method": "GET",
        "expected_status": "200-299", "keyword_mode": "", "tls_warn_days": 21,
        "period": 3600, "grace": 300, "interval": 60, "timeout": 10, "failure_threshold": 3,
        "recovery_threshold": 2, "priority": 2, "incident_mode": "resolve"})
    assert response.status_code == 302
    check = Check.objects.get()
    assert check.next_run_at and CheckStateChange.objects.filter(owner=check).exists()


def test_the_admin_deletes_checks_through_the_service(client_for, ada, make_check, monkeypatch):
    from monitoring import services

    one = make_check(kind="dns", name="one", target="localhost")
    two = make_check(kind="dns", name="two", target="localhost")
    three = make_check(kind="dns", name="three", target="localhost")
    deleted = []
    real = services.check_delete

    def check_delete(*, check, actor):
        deleted.append((check.pk, actor))
        return real(check=check, actor=actor)

    monkeypatch.setattr(services, "check_delete", check_delete)
    client = client_for(ada)
    assert client.post(f"/admin/monitoring/check/{one.pk}/delete/",
                       {"post": "yes"}).status_code == 302
    assert client.post("/admin/monitoring/check/", {
        "action": "delete_selected", "_selected_action": [two.pk, three.pk],
        "post": "yes"}).status_code == 302
    assert sorted(deleted) == sorted([(one.pk, ada), (two.pk, ada), (three.pk, ada)])
    assert not Check.objects.exists()
