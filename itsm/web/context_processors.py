def roles(request):
    user = request.user
    return {
        "is_agent": user.is_authenticated and user.is_agent,
        "sees_all_tickets": user.is_authenticated and user.sees_all_tickets,
        "sees_reports": user.is_authenticated and user.has_perm("tickets.view_reports"),
    }
