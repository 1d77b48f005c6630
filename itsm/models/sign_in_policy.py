"""How each role must sign in: a second factor, single sign-on only.

One row per role (Django group name from itsm.roles); a role with no row falls back to
the defaults in settings (TEND_MFA_REQUIRED_ROLES, TEND_SSO_REQUIRED_ROLES). Admins edit
them in the admin; the sign-in flow and the staff middleware read them.
"""

from django.db import models


class SignInPolicy(models.Model):
    role = models.CharField(max_length=150, unique=True)
    mfa_required = models.BooleanField(
        default=False, help_text="People with this role must enrol a second factor before "
                                 "they reach the desk, the reports or the admin.")
    sso_required = models.BooleanField(
        default=False, help_text="People with this role sign in through an identity "
                                 "provider only; their local password is refused.")

    class Meta:
        ordering = ["role"]
        verbose_name = "sign-in policy"
        verbose_name_plural = "sign-in policies"

    def __str__(self) -> str:
        return self.role
