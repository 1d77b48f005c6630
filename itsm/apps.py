"""The core app's configuration."""

from django.apps import AppConfig


class ItsmConfig(AppConfig):
    name = "itsm"
    verbose_name = "Tend core"

    def ready(self):
        from django.db.models.signals import pre_save

        from itsm.models import User
        from itsm.services.tokens import revoke_on_new_password

        pre_save.connect(revoke_on_new_password, sender=User,
                         dispatch_uid="itsm.tokens.revoke_on_new_password")
        self._audit_sign_ins()
        from itsm.web import mfa_audit  # second factors and re-authentication

        mfa_audit.connect()

    @staticmethod
    def _audit_sign_ins():
        # Django's auth signals fire for every sign-in path (its views, allauth's flow,
        # DRF's password exchange); itsm/services/sign_in_audit.py says why that is enough.
        from django.contrib.auth import signals

        from itsm.services import sign_in_audit

        for signal, handler in ((signals.user_logged_in, sign_in_audit.on_logged_in),
                                (signals.user_logged_out, sign_in_audit.on_logged_out),
                                (signals.user_login_failed, sign_in_audit.on_login_failed)):
            signal.connect(handler, dispatch_uid=f"itsm.audit.{handler.__name__}")
