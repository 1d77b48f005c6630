"""Text helpers of the knowledge base: error codes and host names in a text, the words of a
query, and scrubbing e-mail addresses and phone numbers out of ticket text."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A token that is an error string rather than a word: hex codes (0x80070005), codes mixing
# letters and digits (KB5034441, ORA-12541, E404), dotted names (mail01.corp.example,
# outlook.exe) and SHOUTING_SNAKE constants (ERR_CONNECTION_RESET).
_TOKEN = re.compile(r"[A-Za-z0-9][\w.\-]*[A-Za-z0-9]|[A-Za-z0-9]")
_CODE_SHAPES = (
    re.compile(r"^0x[0-9a-f]{4,}$"),
    re.compile(r"^(?=.*\d)(?=.*[a-z])[a-z0-9_\-]{3,}$"),
    re.compile(r"^\d{3,}$"),
    re.compile(r"^[a-z0-9\-_]+(\.[a-z0-9\-_]+)+$"),
    re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$"),
)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(\.[\w\-]+)+")
# Seven or more digits, allowing spaces, dots, dashes, brackets and a leading +; an error code
# like 0x80070005 has letters and is left alone, and so is an ISO date (2024-05-01).
PHONE = re.compile(r"(?<![\w.])\+?\(?\d[\d ().\-]{5,}\d(?!\w|\.\w)")


def _is_code(token: str) -> bool:
    lowered = token.lower()
    return any(shape.match(lowered) for shape in _CODE_SHAPES)


def codes(*texts: str) -> list[str]:
    """The code-like tokens of `texts`, lowercased, each once, in order of appearance."""
    found: dict[str, None] = {}
    for text in texts:
        for token in _TOKEN.findall(text or ""):
            token = token.strip(".-")
            if token and _is_code(token):
                found.setdefault(token.lower(), None)
    return list(found)


def words(query: str) -> list[str]:
    """The plain words of a query (letters and digits), lowercased, each once."""
    found: dict[str, None] = {}
    for word in _WORD.findall((query or "").lower()):
        found.setdefault(word, None)
    return list(found)


_NOT_PHONE = re.compile(r"^(\d{4}-\d{2}-\d{2}|\d{1,3}(\.\d{1,3}){3})$")  # dates, IPv4


def _phone(match: re.Match) -> str:
    found = match.group(0)
    digits = sum(c.isdigit() for c in found)
    return found if digits < 7 or _NOT_PHONE.match(found.strip()) else "[phone]"


def scrub(text: str) -> str:
    """`text` without e-mail addresses and phone numbers, which must not reach an article."""
    text = EMAIL.sub("[e-mail]", text or "")
    return PHONE.sub(_phone, text)


# Words that say nothing about which article is meant (trigram matching and the SQLite
# fallback skip them; Postgres full-text search has its own list).
_STOPWORDS = """
a an and are as at be but by can cannot do does doesn don for from get gets getting has have
how i if in into is isn it its my no not of on or our so that the their then there this to
too was we what when where which while who why will with won you your me again keeps keep
still after before all any every just also please help
"""
STOPWORDS = frozenset(_STOPWORDS.split())


def terms(query: str) -> list[str]:
    """The words of a query worth matching: no stopwords, at least two characters."""
    return [w for w in words(query) if len(w) > 1 and w not in STOPWORDS][:10]


_MARKUP = re.compile(r"[`*_#>\[\]]+|\]\([^)]*\)")


def snippet(body: str, query_terms: list[str], width: int = 180) -> SafeString:
    """A short excerpt of `body` around the first query term, HTML-escaped, with every
    term's occurrences in <mark>. Markdown punctuation is dropped for reading."""
    plain = " ".join(_MARKUP.sub(" ", body or "").split())
    if not plain:
        return mark_safe("")  # noqa: S308 - empty
    stems = sorted({t[:5] if len(t) > 5 else t for t in query_terms}, key=len, reverse=True)
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE) \
        if stems else None
    first = pattern.search(plain) if pattern else None
    start = max(0, first.start() - width // 3) if first else 0
    piece = plain[start:start + width]
    prefix, suffix = ("…" if start else ""), ("…" if start + width < len(plain) else "")
    out, at = [], 0
    for match in pattern.finditer(piece) if pattern else ():
        out += [escape(piece[at:match.start()]), f"<mark>{escape(match.group(0))}</mark>"]
        at = match.end()
    out.append(escape(piece[at:]))
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 - every piece escaped
