"""The only code that writes knowledge models: articles, versions and files, feedback, links,
searches."""

from .activity import (  # noqa: F401
    article_feedback_record,
    article_link_ticket,
    article_unlink_ticket,
    deflection_record,
    deflection_solve,
    search_record,
)
from .articles import (  # noqa: F401
    article_attachment_remove,
    article_attachments_add,
    article_create,
    article_delete,
    article_errors,
    article_restore,
    article_update,
)
from .from_ticket import article_create_from_ticket  # noqa: F401
