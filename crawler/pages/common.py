"""Small extraction helpers shared by page objects."""

from __future__ import annotations

import lxml.html
from lxml import etree
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


_READING_BLOCKS = _BLOCK | {
    "main", "header", "footer", "aside", "ul", "ol", "table", "br", "form", "td", "th",
    "dd", "dt", "blockquote", "pre", "figure", "figcaption", "option", "button",
}  # fmt: skip


def element_text(element) -> str:
    """Visible text of a parsed element, a line per block, without changing the element."""
    return reading_text(element)[0]


def reading_text(root) -> tuple[str, list[int], list]:
    """The text under `root` in reading order with block breaks as newlines, and for each
    piece where it starts and the element it belongs to (so that a price split over
    `<span>Rp</span>45.000` is read whole and still known by its element)."""
    pieces: list[tuple[str, object]] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(element.tag, str):  # comments, processing instructions
            if event == "end" and element is not root and element.tail:
                pieces.append((element.tail, element.getparent()))
            continue
        if element.tag in _READING_BLOCKS:
            pieces.append(("\n", element))
        if event == "start":
            if element.text:
                pieces.append((element.text, element))
        elif element is not root and element.tail:
            pieces.append((element.tail, element.getparent()))
    if not pieces:
        return "", [0], [root]
    starts, position = [], 0
    for text, _ in pieces:
        starts.append(position)
        position += len(text)
    return "".join(text for text, _ in pieces), starts, [element for _, element in pieces]
