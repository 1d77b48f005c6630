"""Shared by the portal tests: upload builders, the new-ticket form, URLs, an inertness check."""

import struct
import zlib
from html.parser import HTMLParser
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets.models import Kind, Level


def png_bytes() -> bytes:
    """A real 1×1 PNG, so the bytes are what a browser would send."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def upload(name: str, content: bytes = b"some text\n", content_type: str = "text/plain"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def form_data(**overrides):
    data = {"kind": Kind.INCIDENT, "title": "VPN drops every hour",
            "description": "It **drops** at :00.", "impact": Level.LOW,
            "urgency": Level.MEDIUM}
    data.update(overrides)
    return data


def url(name: str, ticket=None) -> str:
    return reverse(f"portal:{name}", args=[ticket.ref] if ticket else [])


# Filing a ticket


class TagCollector(HTMLParser):
    """Every start tag with its attributes, as the browser would build them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.script_text += data


def assert_inert(html: str) -> None:
    parser = TagCollector()
    parser.feed(html)
    assert "<script>alert" not in html
    assert parser.script_text.strip() == ""
    for tag, attrs in parser.tags:
        assert tag != "svg"
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("href", "src", "action", "formaction"):
            assert not attrs.get(name, "").strip().lower().startswith("javascript:"), attrs
