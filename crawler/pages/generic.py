"""Any page read as a person reads it, when it carries no structured data: its title (og:title,
the h1, <title>), the price it shows, and its main text without menus, footers and scripts."""

from __future__ import annotations

import copy
import re
from functools import cached_property
from urllib.parse import urljoin

from lxml import etree

from crawler.pages.common import element_text
from crawler.pages.prices import SeenPrice, VisiblePrices

MAX_TEXT = 10_000  # characters of main text kept: a post, not a whole forum
MIN_TEXT = 20
MAX_IMAGES = 5  # a page with less to say than this (and no price) is not a listing
_DROPPED = (
    "//script|//style|//noscript|//template|//svg|//iframe|//nav|//aside|//dialog"
    "|//footer|//header[not(ancestor::article or ancestor::main)]"
    "|//*[@role='navigation' or @role='banner' or @role='contentinfo' or @role='complementary']"
    "|//*[@hidden or @aria-hidden='true']"
)
# class/id words of page furniture: menus, breadcrumbs, sidebars, share buttons, pop-ups,
# "related products" (whose prices are not this product's)
_FURNITURE = re.compile(
    r"(^|[\s_-])(nav|navbar|navigation|menu|breadcrumbs?|footer|sidebar|widget|widgets|cookie|"
    r"cookies|share|sharing|social|related|upsells?|recommendations?|advert|ads|banner|popup|"
    r"modal|newsletter|skip-link|screen-reader-text|visually-hidden|sr-only)([\s_-]|$)",
    re.IGNORECASE,
)
_AUTHOR = (
    ".//*[@itemprop='author'] | .//a[@rel='author'] | .//*[contains(concat(' ', @class, ' '),"
    " ' username ') or contains(concat(' ', @class, ' '), ' author ') or contains(concat(' ', "
    "@class, ' '), ' post-author ') or contains(concat(' ', @class, ' '), ' byline ')]"
)
_BYLINE = re.compile(r"^(diposting oleh|ditulis oleh|posted by|written by|oleh|by)\s+", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—»:·]\s+")
_LOGIN_WORDS = re.compile(r"\b(log ?in|sign ?in|masuk|login)\b", re.IGNORECASE)
_NOT_FOUND = re.compile(
    r"^\s*404\b|\b404 not found|\bpage not found|\b(halaman|produk|artikel|postingan|page|"
    r"product|post)\b[^|]{0,20}\b(tidak ditemukan|tidak ada|not found|doesn.t exist)",
    re.IGNORECASE,
)
_CHALLENGE = re.compile(
    r"just a moment|attention required|verify you are human|captcha|access denied|"
    r"checking your browser|ddos protection",
    re.IGNORECASE,
)


class GenericPage:
    """What a reader sees on the page. `refusal()` says why the page is clearly no listing
    (empty, a login form, a challenge, a "not found" page), or None."""

    def __init__(self, response) -> None:
        self.response = response

    @cached_property
    def root(self):
        """The page without its furniture; a copy, the response's own tree stays whole."""
        return _cleaned(copy.deepcopy(self.response.selector.root))

    def meta(self, *names: str) -> str:
        """The first non-empty <meta property|name=...> content among the names."""
        for name in names:
            for value in self.response.xpath(
                "//meta[@property=$name or @name=$name]/@content", name=name
            ).getall():
                if value.strip():
                    return value.strip()
        return ""

    def title(self) -> tuple[str, str]:
        """(title, where it was read: h1 | og:title | title)."""
        page_title = " ".join(self.response.xpath("//title//text()").getall()).strip()
        og_title = self.meta("og:title", "twitter:title")
        headings = [element_text(h).strip() for h in self.root.iter("h1")]
        headings = [h for h in headings if h]
        # The h1 a site also puts in its <title> is the page's own, not the site's logo.
        for heading in sorted(headings, key=len, reverse=True):
            if any(heading.lower() in t.lower() for t in (page_title, og_title) if t):
                return heading, "h1"
        if og_title:
            return og_title, "og:title"
        if page_title:
            return _TITLE_SEPARATORS.split(page_title)[0].strip(), "title"
        return (headings[0], "h1") if headings else ("", "")

    @cached_property
    def main_block(self):
        return _main_block(self.root)

    @cached_property
    def _main_text(self) -> str:
        return _tidy(element_text(self.main_block))[:MAX_TEXT]

    def main_text(self) -> str:
        return self._main_text

    def description(self) -> str:
        """The main text, led by the page's own summary when the text does not hold it."""
        text = self.main_text()
        summary = self.meta("description", "og:description", "twitter:description")
        if summary and summary[:60].lower() not in text.lower():
            return f"{summary}\n\n{text}".strip()
        return text

    @cached_property
    def _price(self) -> SeenPrice | None:
        return VisiblePrices(self.root).product_price()

    def price(self) -> SeenPrice | None:
        return self._price

    def images(self) -> list[str]:
        shared = self.meta("og:image", "og:image:url", "twitter:image")
        if shared:
            return [urljoin(self.response.url, shared)]
        sources = self.main_block.xpath(".//img/@src") or self.root.xpath("//img/@src")
        return [urljoin(self.response.url, s) for s in sources if s.strip()][:MAX_IMAGES]

    def author(self) -> tuple[str, str]:
        """(name, profile URL) of who wrote the post or offer: a forum thread's starter, a
        blog post's author. The main text's own byline first, then the page's."""
        for scope in (self.main_block, self.root):
            for element in scope.xpath(_AUTHOR):
                name = _BYLINE.sub("", " ".join(element_text(element).split()))
                if 0 < len(name) <= 100:
                    links = element.xpath("descendant-or-self::a/@href")
                    return name, urljoin(self.response.url, links[0]) if links else ""
        return "", ""

    def site_name(self) -> str:
        return self.meta("og:site_name", "application-name")

    def refusal(self) -> str | None:
        title = self.title()[0]
        text = self.main_text()
        heading = " ".join([title, *self.response.xpath("//title//text()").getall()])
        if _CHALLENGE.search(heading) or self.response.css(".g-recaptcha, .h-captcha, #cf-wrapper"):
            return "a challenge (captcha) page, not the page itself"
        if _NOT_FOUND.search(heading):
            return "a 'not found' page"
        # A password field in the page itself (not a log-in box in the header or sidebar).
        if self.root.xpath("//input[@type='password']") and (
            _LOGIN_WORDS.search(heading) or len(text) < 200
        ):
            return "a login page"
        beyond_title = text.replace(title, "", 1).strip() if title else text
        if len(beyond_title) < MIN_TEXT and self.price() is None:
            return "an empty page" if not text and not title else "no text beyond its title"
        return None


def _cleaned(root):
    for element in root.xpath(_DROPPED):
        _drop(element)
    for element in root.xpath("//*[@class or @id]"):
        hints = f"{element.get('class', '')} {element.get('id', '')}"
        if element.tag not in ("body", "html", "main", "article") and _FURNITURE.search(hints):
            _drop(element)
    return root


def _drop(element) -> None:
    """Remove an element but keep its tail, the text that follows it in its parent."""
    if element.getparent() is not None:
        element.drop_tree()


def _main_block(root):
    """The element holding most of the page's text: from the body down, while one child holds
    most of its parent's text (the post, not the forum around it)."""
    bodies = root.xpath("//body")
    node = bodies[0] if bodies else root
    lengths = _text_lengths(node)
    while True:
        children = [child for child in node if isinstance(child.tag, str)]
        if not children or not lengths[node]:
            return node
        biggest = max(children, key=lengths.__getitem__)
        if lengths[biggest] < 0.7 * lengths[node]:
            return node
        node = biggest


def _text_lengths(top) -> dict:
    """Characters of text under each element, in one walk."""
    lengths: dict = {}
    for _event, element in etree.iterwalk(top, events=("end",)):
        if not isinstance(element.tag, str):
            continue
        own = len((element.text or "").strip())
        for child in element:
            own += len((child.tail or "").strip())
            if isinstance(child.tag, str):
                own += lengths[child]
        lengths[element] = own
    return lengths


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
