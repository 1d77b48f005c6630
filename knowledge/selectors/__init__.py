"""Reads with rules for the knowledge base: who sees which article and file, search, ticket
drafts."""

from .attachments import (  # noqa: F401
    article_files,
    get_visible_attachment,
    version_files,
    visible_attachments,
)
from .search import Hit, search_articles  # noqa: F401
from .tickets import draft_from_ticket, linked_articles, solving_reply  # noqa: F401
from .visibility import (  # noqa: F401
    article_detail,
    help_categories,
    visible_articles,
)
