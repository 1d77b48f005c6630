"""Styled error pages (templates/403.html, 404.html, 500.html, 503.html): Tend's own
message reaches the person, with a way back; 500 and 503 need no database."""

import pytest
from django.template import loader
from django.test import Client
from django.urls import reverse


def test_a_staff_only_page_tells_an_end_user_why_in_the_styled_page(client_for, alice):
    response = client_for(alice).get(reverse("desk:queue"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "The desk is for support staff." in body
    assert 'data-error-status="403"' in body and "Back to Tend" in body
    assert "navbar" in body  # the site's own frame, with the user's menu
    assert "Alice" in body


def test_an_unknown_address_is_a_styled_404(client_for, alice):
    response = client_for(alice).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and 'data-error-status="404"' in body
    assert f'href="{reverse("home")}"' in body


def test_a_404_with_tends_own_message_shows_it(client_for, alice):
    response = client_for(alice).get(reverse("portal:ticket", args=["INC-999999"]))
    assert response.status_code == 404
    assert "No such ticket." in response.content.decode()


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_pages_render_without_a_request_or_the_database(status):
    # No db fixture: any query raises here.
    body = loader.render_to_string(f"{status}.html", {"status": status, "message": "Down."})
    assert f'data-error-status="{status}"' in body and "Back to Tend" in body


@pytest.mark.urls("tests.itsm.web.failing_urls")
def test_a_crash_on_a_page_is_the_styled_500_without_internals():
    response = Client(raise_request_exception=False).get("/fails/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body and "a bug in a page" not in body
