"""The desk's problem pages: the list (filters, search, counts per stage) and the problem
page (what it knows, its stage, its incidents, its timeline and SLA). Support staff read;
the changes are in problems/web/desk/actions.py."""

from django.db.models import Count, Q
from django.shortcuts import render

from itsm.models import Service, Team
from itsm.web.access import desk_page
from itsm.web.paging import CappedPaginator
from problems import selectors
from problems.models import OPEN_STAGES, Problem, Stage
from problems.selectors.timeline import five_whys, problem_timeline
from problems.services.access import can_manage
from problems.services.lifecycle import allowed_stages
from problems.web.desk.forms import LinkForm, ProblemForm, WhyForm
from tickets.models import OPEN_STATUSES
from tickets.web import sla

FILTERS = ("stage", "service", "team", "mine", "q")
TEXTS = (("statement", "Problem statement"), ("symptoms", "Symptoms"),
         ("root_cause", "Root cause"), ("workaround", "Workaround"),
         ("permanent_fix", "Permanent fix"))


def _filtered(request):
    user = request.user
    filters = {name: request.GET.get(name, "").strip()[:200] for name in FILTERS}
    rows = selectors.problems_for_list(user)
    if filters["stage"] == "open":
        rows = rows.filter(stage__in=OPEN_STAGES)
    elif filters["stage"] in Stage.values:
        rows = rows.filter(stage=filters["stage"])
    if filters["service"].isdigit():
        rows = rows.filter(services=int(filters["service"]))
    if filters["team"].isdigit():
        rows = rows.filter(ticket__team_id=int(filters["team"]))
    if filters["mine"]:
        rows = rows.filter(ticket__assignee=user)
    query = filters["q"]
    if query:
        match = Q(ticket__title__icontains=query)
        ref = query.upper().removeprefix("PRB-")
        if ref.isdigit() and len(ref) < 10:
            match |= Q(ticket__number=int(ref))
        rows = rows.filter(match)
    return rows, filters


@desk_page
def problem_list(request):
    rows, filters = _filtered(request)
    counts = dict(selectors.visible_problems(request.user).values_list("stage")
                  .annotate(n=Count("pk")).values_list("stage", "n"))
    # The list shows counts, not every linked incident: drop the prefetch of them.
    rows = rows.prefetch_related(None).order_by("-created_at", "-pk")
    page = CappedPaginator(rows, 25).get_page(request.GET.get("page"))
    return render(request, "problems/desk/list.html", {
        "problems": page.object_list, "page": page, "filters": filters,
        "filtered": any(filters.values()),
        "stages": [(value, label, counts.get(value, 0)) for value, label in Stage.choices],
        "open_count": sum(counts.get(stage, 0) for stage in OPEN_STAGES),
        "services": Service.objects.order_by("name").only("pk", "name"),
        "teams": Team.objects.order_by("name").only("pk", "name"),
        "can_manage": can_manage(request.user)})


def problem_page(request, problem: Problem, *, status: int = 200, **overrides):
    """The problem page, with bound forms and their errors when a POST failed."""
    user = request.user
    links = sorted(problem.incident_links.all(), key=lambda link: link.linked_at)
    context = {
        "problem": problem, "ticket": problem.ticket,
        "problem_texts": [(name, label, getattr(problem, name)) for name, label in TEXTS],
        "links": links,
        "open_incidents": [link.incident for link in links
                           if link.incident.status in OPEN_STATUSES],
        "stages": [(value, Stage(value).label) for value in allowed_stages(problem)],
        "timeline": problem_timeline(problem),
        "whys": five_whys(problem),
        "sla": sla.panel(problem.ticket),
        "can_manage": can_manage(user),
        "duplicates": Problem.objects.filter(duplicate_of=problem).select_related("ticket"),
    }
    if context["can_manage"]:
        context["form"] = ProblemForm(initial=ProblemForm.initial_for(problem))
        context["link_form"] = LinkForm(user=user)
        context["why_form"] = WhyForm()
        context["open_problems"] = (selectors.visible_problems(user)
                                    .filter(stage__in=OPEN_STAGES).exclude(pk=problem.pk)
                                    .select_related("ticket").order_by("-pk")[:50])
    context.update(overrides)
    return render(request, "problems/desk/problem_page.html", context, status=status)


@desk_page
def problem_detail(request, pk):
    return problem_page(request, selectors.get_visible_problem(request.user, pk))

