"""allauth's hooks for Tend: nobody signs up (admins and identity providers make
accounts), and the sign-in says nothing extra (the page reached says enough)."""

from allauth.account.adapter import DefaultAccountAdapter

QUIET = {"account/messages/logged_in.txt", "account/messages/logged_out.txt"}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False

    def add_message(self, request, level, message_template=None, message_context=None,
                    extra_tags="", message=None):
        if message_template in QUIET:
            return
        super().add_message(request, level, message_template=message_template,
                            message_context=message_context, extra_tags=extra_tags,
                            message=message)
