"""The main menu: end users get the portal's links; staff get their work first and the
portal's links under one "Self-service" menu, so the bar fits one line on a laptop."""

import re

import pytest


def admin_menu(client, user) -> list[str]:
    client.force_login(user)
    html = client.get("/help/").content.decode()
    found = re.search(r">Admin</a>\s*<ul class=\"dropdown-menu\">(.*?)</ul>", html, re.S)
    return re.findall(r'class="dropdown-item[^"]*" href="[^"]+">([^<]+)</a>',
                      found.group(1)) if found else []


def menu(client, user) -> tuple[list[str], list[str]]:
    """(top-level link texts, texts inside the Self-service dropdown) on the home page."""
    client.force_login(user)
    html = client.get("/help/").content.decode()
    nav = html[html.index('aria-label="Main"'):html.index("</nav>")]
    main = nav[:nav.index('<ul class="navbar-nav">')]
    dropdown = re.search(r"Self-service</a>\s*<ul class=\"dropdown-menu\">(.*?)</ul>", main, re.S)
    inside = re.findall(r'class="dropdown-item[^"]*" href="[^"]+">([^<]+)</a>',
                        dropdown.group(1)) if dropdown else []
    top = re.findall(r'class="nav-link[^"]*" href="[^"#]+">([^<]+)</a>', main)
    return top, inside


@pytest.mark.django_db
def test_an_end_user_sees_the_portal_links_in_the_bar(client, alice):
    top, inside = menu(client, alice)
    assert top == ["My tickets", "Report a problem", "Status", "Planned maintenance", "Help"]
    assert inside == []


@pytest.mark.django_db
def test_staff_see_their_work_first_and_the_portal_under_self_service(client, dee, ada, manny):
    portal = ["My tickets", "Report a problem", "Status", "Planned maintenance", "Help"]
    top, inside = menu(client, dee)
    assert top == ["Desk", "Monitoring", "Maintenance", "Knowledge", "Problems", "Capacity"]
    assert inside == portal
    top, inside = menu(client, ada)
    assert top[0] == "Desk" and inside == portal
    assert admin_menu(client, ada) == ["Mail", "Webhooks", "Chat", "Audit log",
                                       "Settings (Django admin)"]
    assert admin_menu(client, dee) == []
    top, _ = menu(client, manny)
    assert "Reports" in top
