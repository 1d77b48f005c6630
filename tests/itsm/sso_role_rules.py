"""Role matrix rows for single sign-on's routes (tests/test_role_matrix.py).

Every persona gets the same answer: these pages are for people signing in, and the
matrix's world has no identity provider, so a provider's routes are a 404 ("x" is no
provider) for everyone; the ACS only stashes the posted answer and moves on.
"""


def sso_rules(Rule, who, LOGIN, OK):  # noqa: N803 - the matrix's own names
    def same(status):
        return who(status, status, status, status, status)

    return {
        "openid_connect_login": Rule(get=same(404), post=same(404)),
        "openid_connect_callback": Rule(get=same(404)),
        "saml_login": Rule(get=same(404)),
        "saml_metadata": Rule(get=same(404)),
        "saml_acs": Rule(get=same(302), post=same(302)),
        "saml_finish_acs": Rule(get=same(404)),
        "saml_sls": Rule(get=same(404)),
        "socialaccount_login_cancelled": Rule(get=same(200)),
        "socialaccount_login_error": Rule(get=same(401)),  # allauth answers 401
        "socialaccount_signup": Rule(get=same(302)),
    }
