"""/accounts/tokens/: a person's API tokens: make one (shown once), see them, revoke one."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from itsm.services import tokens
from itsm.web.forms import add_service_errors
from itsm.web.mfa_policy import missing_second_factor
from itsm.web.reauth import sensitive

EXPIRIES = [("30", "in 30 days"), ("90", "in 90 days"), ("365", "in a year"),
            ("", "never (until revoked)")]


class TokenForm(forms.Form):
    name = forms.CharField(max_length=80, help_text="What will use it, e.g. “backup script”.")
    expires = forms.ChoiceField(choices=EXPIRIES, required=False, initial="90",
                                label="Expires")
    read_only = forms.BooleanField(required=False, label="Read-only",
                                   help_text="It may read, never change anything.")


def _page(request, *, form=None, new_key="", status=200):
    response = render(request, "registration/tokens.html", {
        "tokens": tokens.tokens_of(request.user), "form": form or TokenForm(),
        "new_key": new_key}, status=status)
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
@sensitive(when=lambda request: request.POST.get("action") != "revoke")  # making one asks
def my_tokens(request):
    if request.method == "GET":
        return _page(request)
    if request.POST.get("action") == "revoke":
        raw = request.POST.get("token", "")
        token = (tokens.live_tokens(request.user).filter(pk=int(raw)).first()
                 if raw.isdigit() and len(raw) < 12 else None)
        if token is not None:
            tokens.token_revoke(actor=request.user, token=token, request=request)
            messages.success(request, f"“{token.name}” was revoked; scripts using it now "
                                      "get 401.")
        return redirect("account_tokens")
    form = TokenForm(request.POST)
    if form.is_valid() and missing_second_factor(request.user):
        form.add_error(None, "Your role needs a second factor before you can make API "
                             "tokens: set one up under Two-factor sign-in first.")
    if form.is_valid():
        days = form.cleaned_data["expires"]
        try:
            _, key = tokens.token_create(
                actor=request.user, name=form.cleaned_data["name"], request=request,
                read_only=form.cleaned_data["read_only"],
                expires_at=timezone.now() + timedelta(days=int(days)) if days else None)
        except ValidationError as error:
            add_service_errors(form, error, fallback="name")
        else:
            return _page(request, new_key=key)
    return _page(request, form=form, status=400)
