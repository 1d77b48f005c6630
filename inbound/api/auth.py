"""`Authorization: Bearer tendmail_…`: a mail service posting what came to one mailbox.

The request's user stays anonymous and `request.auth` is the mailbox, so the token grants
nothing but POST /api/v1/inbound/email/ for that mailbox. Unknown tokens, and tokens of a
disabled mailbox, are a 401.
"""

from django.contrib.auth.models import AnonymousUser
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from inbound.selectors import mailbox_by_token_hash
from inbound.services.mailboxes import token_hash

KEYWORD = "Bearer"


class MailboxTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode() or len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Send: Authorization: Bearer <the mailbox's inbound token>.")
        try:
            plaintext = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid inbound token.") from None
        mailbox = mailbox_by_token_hash(token_hash(plaintext))
        if mailbox is None:
            raise exceptions.AuthenticationFailed("Invalid inbound token, or the mailbox "
                                                  "is disabled.")
        return AnonymousUser(), mailbox

    def authenticate_header(self, request):
        return f'{KEYWORD} realm="inbound"'  # a 401, not a 403


class MailboxTokenScheme(OpenApiAuthenticationExtension):
    target_class = "inbound.api.auth.MailboxTokenAuthentication"
    name = "mailboxToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A mailbox's inbound token (tendmail_…), made on the Mail "
                               "page or with POST /api/v1/mailboxes/{id}/rotate-token/."}
