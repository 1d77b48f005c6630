"""/accounts/tokens/: a person sees their API token, creates one, or revokes it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from itsm.services import tokens


@login_required
@require_http_methods(["GET", "POST"])
def my_tokens(request):
    new_key = None
    if request.method == "POST":
        if request.POST.get("action") == "create":
            new_key = tokens.token_obtain(actor=request.user).key
        else:
            if tokens.token_revoke(actor=request.user):
                messages.success(request, "Your API token was revoked; scripts using it "
                                          "now get 401.")
            return redirect("account_tokens")
    return render(request, "registration/tokens.html",
                  {"tokens": tokens.tokens_of(request.user), "new_key": new_key})
