"""CSV imports in the admin: every row checked, all applied or nothing."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maintenance.models import Advisory, AssetPatch, AssetPatchEvent, Software
from maintenance.services.csv_import import csv_import_apply

ADVISORIES = """identifier,title,severity,released_on,cvss,cve_ids,package,fixed_version
DSA-5555-1,openssl update,critical,2026-01-01,9.8,CVE-2023-5678;CVE-2023-6129,openssl,3.0.13
USN-6543-1,nginx vulnerability,high,2026-01-10,,,nginx,1.24.1
"""


def test_good_advisories_are_imported_and_reimported_as_updates(ada):
    report = csv_import_apply(kind="advisories", data=ADVISORIES.encode(), actor=ada)
    assert report.ok and (report.rows, report.created, report.updated) == (2, 2, 0)
    dsa = Advisory.objects.get(identifier="DSA-5555-1")
    assert dsa.cve_ids == ["CVE-2023-5678", "CVE-2023-6129"] and str(dsa.cvss) == "9.8"
    again = csv_import_apply(
        kind="advisories", data=ADVISORIES.replace("high,2026", "medium,2026").encode(),
        actor=ada)
    assert (again.created, again.updated) == (0, 1)
    assert Advisory.objects.get(identifier="USN-6543-1").severity == "medium"


def test_one_bad_row_leaves_nothing_behind_and_each_problem_is_reported(ada):
    bad = ADVISORIES + (
        "KB5031356,,urgent,2026-13-01,11,CVE-1,,\n"
        "DSA-5555-1,duplicate,low,2026-01-01,,,,\n")
    report = csv_import_apply(kind="advisories", data=bad.encode(), actor=ada)
    assert not report.ok
    assert [(e.row, e.field) for e in report.errors] == [
        (4, "title"), (4, "severity"), (4, "released_on"), (4, "cvss"), (4, "cve_ids"),
        (5, "identifier")]
    assert "2026-13-01" in report.errors[2].message
    assert not Advisory.objects.exists()


@pytest.mark.parametrize("content, fields", [
    (b"identifier,title\nDSA-1,x\n", ["severity", "released_on"]),
    (b"identifier,title,severity,released_on,sevrity\n", ["sevrity"]),
    ("identifier,title,severity,released_on\nDSA-1,caf\xe9,low,2026-01-01\n".encode("latin-1"),
     ["file"]),
])
def test_a_wrong_file_is_refused_before_any_row(ada, content, fields):
    report = csv_import_apply(kind="advisories", data=content, actor=ada)
    assert [e.field for e in report.errors] == fields


def test_inventories_import_software_and_patch_states(ada, asset):
    csv_import_apply(kind="advisories", data=ADVISORIES.encode(), actor=ada)
    software = csv_import_apply(
        kind="software", data=b"asset,name,version\nmail-01,openssl,3.0.11\n", actor=ada)
    assert software.ok and Software.objects.get().version == "3.0.11"
    states = ("asset,advisory,state,reason,deferred_until\n"
              "mail-01,DSA-5555-1,,,\n"
              "mail-01,USN-6543-1,deferred,Waiting for vendor,2099-01-01\n")
    report = csv_import_apply(kind="patches", data=states.encode(), actor=ada)
    assert report.ok and report.created == 2
    deferred = AssetPatch.objects.get(advisory__identifier="USN-6543-1")
    assert (deferred.state, deferred.due_on) == ("deferred", date(2099, 1, 1))
    assert AssetPatchEvent.objects.filter(source="import").count() == 2


def test_bad_inventory_rows_name_the_row_and_column(ada, asset):
    csv_import_apply(kind="advisories", data=ADVISORIES.encode(), actor=ada)
    states = ("asset,advisory,state,reason,deferred_until\n"
              "mail-01,DSA-5555-1,,,\n"
              "mail-99,DSA-5555-1,,,\n"
              "mail-01,DSA-0000-0,,,\n"
              "mail-01,USN-6543-1,deferred,,\n")
    report = csv_import_apply(kind="patches", data=states.encode(), actor=ada)
    assert [(e.row, e.field) for e in report.errors] == [
        (3, "asset"), (4, "advisory"), (5, "deferred_until"), (5, "reason")]
    assert not AssetPatch.objects.exists()


def test_the_admin_import_page_lists_the_errors_and_applies_nothing(client_for, ada):
    c = client_for(ada)
    page = reverse("admin:maintenance_advisory_import")
    assert c.get(reverse("admin:maintenance_advisory_changelist")).status_code == 200
    bad = SimpleUploadedFile("a.csv", (ADVISORIES + "X,,,\n").encode(), "text/csv")
    response = c.post(page, {"kind": "advisories", "file": bad})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in html and "<td>4</td>" in html
    assert not Advisory.objects.exists()
    good = SimpleUploadedFile("a.csv", ADVISORIES.encode(), "text/csv")
    response = c.post(page, {"kind": "advisories", "file": good}, follow=True)
    assert "Imported 2 rows" in response.content.decode()
    assert Advisory.objects.count() == 2


def test_only_admins_with_the_ingest_permission_may_import(client_for, dee):
    dee.is_staff = True
    dee.save()
    response = client_for(dee).get(reverse("admin:maintenance_advisory_import"))
    assert response.status_code == 403  # staff, may ingest, but no admin change permission
