"""The admin lists chat channels and messages read-only, without their secrets."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_shows_channels_without_their_secrets(client_for, make_channel, chat):
    from django.contrib.auth import get_user_model

    channel = make_channel(api=True)
    root = get_user_model().objects.create_superuser("root", "root@x.example", "pw")
    client = client_for(root)
    for url in ("/admin/integrations/chatchannel/", "/admin/integrations/chatmessage/",
                f"/admin/integrations/chatchannel/{channel.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"xoxb-test-token" not in response.content
