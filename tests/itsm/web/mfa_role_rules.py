"""Role matrix rows for sign-in, second factors and re-authentication (tests/test_role_matrix.py).

Everyone signed in manages their own second factors; a key of another person is a 404
(the world's key belongs to none of the personas). Pages about a factor someone has not
set up (the app to turn off, recovery codes to show) are a 404 as well.
allauth's names for Tend's own pages (account_login, …) answer as those pages do. The
second step of a sign-in exists only during one, so outside it every persona is sent to
sign in. Re-authentication is off in the test settings, so nothing here asks for it.
"""


def mfa_rules(Rule, who, LOGIN, OK) -> dict:  # noqa: N803 - the matrix's own names
    signed_in = who(LOGIN, 200, 200, 200, 200)
    signed_in_post = who(LOGIN, OK, OK, OK, OK)
    no_post = who(LOGIN, 405, 405, 405, 405)
    same = {"get": signed_in, "post": signed_in_post}
    return {
        "account_login": Rule(get=who(200, 302, 302, 302, 302)),
        "account_logout": Rule(get=who(405, 405, 405, 405, 405),
                               post=who(302, 302, 302, 302, 302)),
        "account_change_password": Rule(get=signed_in),
        "account_reset_password": Rule(get=who(200, 200, 200, 200, 200)),
        "account_inactive": Rule(get=who(200, 200, 200, 200, 200)),
        "account_reauthenticate": Rule(**same),
        "mfa_index": Rule(get=signed_in, post=no_post),
        "mfa_authenticate": Rule(get=who(LOGIN, 302, 302, 302, 302)),
        "mfa_reauthenticate": Rule(get=who(LOGIN, 302, 302, 302, 302)),
        "mfa_reauthenticate_webauthn": Rule(get=who(LOGIN, 302, 302, 302, 302)),
        "mfa_activate_totp": Rule(**same),
        "mfa_deactivate_totp": Rule(get=who(LOGIN, 404, 404, 404, 404)),
        "mfa_view_recovery_codes": Rule(get=who(LOGIN, 404, 404, 404, 404)),
        "mfa_download_recovery_codes": Rule(get=who(LOGIN, 404, 404, 404, 404)),
        "mfa_generate_recovery_codes": Rule(get=signed_in),
        "mfa_add_webauthn": Rule(**same),
        "mfa_list_webauthn": Rule(get=signed_in),
        "mfa_edit_webauthn": Rule(get=who(LOGIN, 404, 404, 404, 404),
                                  post=who(LOGIN, 404, 404, 404, 404)),
        "mfa_remove_webauthn": Rule(get=who(LOGIN, 404, 404, 404, 404),
                                    post=who(LOGIN, 404, 404, 404, 404)),
    }


def mfa_world() -> dict[str, int]:
    """Someone else's security key (its credential is never read on these routes)."""
    from allauth.mfa.models import Authenticator

    from tests.factories import UserFactory

    key = Authenticator.objects.create(user=UserFactory(username="kay"),
                                       type=Authenticator.Type.WEBAUTHN,
                                       data={"name": "Kay's key", "credential": {}})
    return {"mfa_edit_webauthn": key.pk, "mfa_remove_webauthn": key.pk}
