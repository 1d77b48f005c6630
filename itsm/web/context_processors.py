"""Template context every page gets: which parts of the site the signed-in user may use."""

from itsm.roles import REPORTS, can


def roles(request):
    user = request.user
    return {
        "is_agent": user.is_authenticated and user.is_agent,
        "sees_all_tickets": user.is_authenticated and user.sees_all_tickets,
        "sees_reports": user.is_authenticated and can(user, REPORTS),
    }
