"""Small extraction helpers shared by page objects."""

from __future__ import annotations

import lxml.html
from lxml.etree import ParserError

_BLOCK = {"p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}


def html_to_text(markup: str | None) -> str:
    """Visible text of an HTML fragment with line breaks where the page shows them."""
    if not markup or not markup.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (ParserError, ValueError):
        return markup
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag == "br" or element.tag in _BLOCK:
            element.tail = "\n" + (element.tail or "")
    return root.text_content()


def first(*values):
    """The first value that is not empty."""
    for value in values:
        if value not in (None, "", [], {}):
            return value
    return None


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
