"""The claims the provider puts in ID tokens and userinfo: email, email_verified, groups."""

from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc_provider.models import Claims


class ClaimsValidator(OAuth2Validator):
    # "groups" is not a standard claim: released with the profile scope, as Keycloak does.
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "profile"}

    def get_additional_claims(self, request):
        user = request.user
        claims = Claims.objects.filter(user=user).first() or Claims(user=user)
        return {"email": user.email, "email_verified": claims.email_verified,
                "preferred_username": user.username, "name": user.get_full_name(),
                "given_name": user.first_name, "family_name": user.last_name,
                "groups": list(claims.groups)}
