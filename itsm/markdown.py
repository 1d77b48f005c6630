"""User-written Markdown to safe HTML: markdown-it renders (raw HTML off), nh3 sanitizes."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable(
    ["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def sanitize_html(html: str) -> str:
    """Untrusted HTML (a rendered comment, a received mail) down to the tags Tend shows:
    no scripts, styles, images that call home, or event handlers."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer nofollow")


def render_markdown(text: str) -> SafeString:
    return mark_safe(sanitize_html(_md.render(text or "")))  # noqa: S308 - nh3 output
