"""Which articles a user may see: decided here and nowhere else (web, API, search, exports).

- internal articles, drafts and archived articles: support engineers and admins only;
- customers: any signed-in user, once published (not validated or validated);
- public: anyone, anonymous visitors included, once published.
"""

from django.db.models import Count, Q, QuerySet

from knowledge import rules
from knowledge.models import PUBLISHED, Article, Audience
from tickets.models import Status

SOLVED = (Status.RESOLVED, Status.CLOSED)


def visible_articles(user, *, unpublished: bool = False) -> QuerySet[Article]:
    """Articles `user` may read. `unpublished=True` adds drafts and archived articles for
    the people who may see them (the desk's lists); end users never get them."""
    articles = Article.objects.all()
    if rules.sees_internal(user):
        return articles if unpublished else articles.filter(confidence__in=PUBLISHED)
    audiences = [Audience.PUBLIC]
    if user is not None and user.is_authenticated:
        audiences.append(Audience.CUSTOMERS)
    return articles.filter(audience__in=audiences, confidence__in=PUBLISHED)


def with_solved_count(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Each article's `solved`: linked tickets that are resolved or closed."""
    return articles.annotate(solved=Count(
        "ticket_links", filter=Q(ticket_links__ticket__status__in=SOLVED),
        distinct=True))


def article_detail(user, pk: int) -> Article | None:
    """One article `user` may see (drafts too, for those who see them), or None."""
    articles = visible_articles(user, unpublished=True)
    return (with_solved_count(articles).select_related("category", "owner")
            .prefetch_related("services").filter(pk=pk).first())


def help_categories(user) -> list[tuple[str, list[Article]]]:
    """The help centre's index: (category name, its articles) for what `user` may see,
    categories by name, articles without one last under "General"."""
    groups: dict[str, list[Article]] = {}
    rows = (visible_articles(user).select_related("category")
            .only("pk", "title", "audience", "confidence", "category__name", "updated_at")
            .order_by("category__name", "title", "pk"))
    general = []
    for article in rows:
        if article.category_id is None:
            general.append(article)
        else:
            groups.setdefault(article.category.name, []).append(article)
    result = list(groups.items())
    if general:
        result.append(("General", general))
    return result
