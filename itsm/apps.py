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
