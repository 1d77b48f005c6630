"""Knowledge models: articles, their files and versions, feedback, ticket links, searches,
deflections."""

from .activity import (  # noqa: F401
    ArticleFeedback,
    ArticleTicketLink,
    Deflection,
    SearchLog,
)
from .article import (  # noqa: F401
    PUBLISHED,
    Article,
    Audience,
    Confidence,
)
from .attachment import ArticleAttachment  # noqa: F401
from .version import ArticleVersion  # noqa: F401
