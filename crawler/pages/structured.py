"""Any page that speaks schema.org: JSON-LD (read leniently), microdata, RDFa, or at least
OpenGraph product tags. Products first; posts (articles, forum posts) for pages that sell in
prose."""

from __future__ import annotations

from urllib.parse import urlsplit

import extruct

from crawler.items import ListingItem
from crawler.pages.common import as_list, first, html_to_text
from crawler.pages.jsonld import jsonld_values

PRODUCT_TYPES = {
    "Product", "ProductGroup", "IndividualProduct", "SomeProducts", "ProductModel", "Drug",
    "DietarySupplement",
}  # fmt: skip
POST_TYPES = {
    "Article", "BlogPosting", "NewsArticle", "DiscussionForumPosting", "SocialMediaPosting",
    "Question", "LiveBlogPosting", "Report",
}  # fmt: skip
OFFER_TYPES = {"Offer", "AggregateOffer"}
MAX_NODES = 5_000  # schema.org nodes looked at on one page


class StructuredProductPage:
    """Extracts a listing from structured data, preferring JSON-LD, then microdata, then RDFa,
    then OpenGraph product tags. `to_item()` is None when the page describes no product."""

    def __init__(self, response, platform: str) -> None:
        self.response, self.platform = response, platform
        html = response.text
        syntaxes = ["opengraph"]
        if "itemscope" in html:
            syntaxes.append("microdata")
        if "typeof=" in html or "vocab=" in html:
            syntaxes.append("rdfa")
        self.data = extruct.extract(
            html, base_url=response.url, syntaxes=syntaxes, uniform=True, errors="ignore"
        )
        self.data["json-ld"] = jsonld_values(html)
        self.data["rdfa"] = _rdfa_as_jsonld(self.data.get("rdfa") or [])

    def to_item(self) -> ListingItem | None:
        for syntax in ("json-ld", "microdata", "rdfa"):
            found = self._find(self.data.get(syntax) or [], PRODUCT_TYPES)
            if found is not None:
                return self._from_product(*found, syntax=syntax)
        return self._from_opengraph()

    def post_item(self) -> ListingItem | None:
        """A post (blog article, forum thread) the page declares in JSON-LD or microdata."""
        for syntax in ("json-ld", "microdata"):
            found = self._find(self.data.get(syntax) or [], POST_TYPES)
            if found is not None:
                return self._from_post(found[0], syntax)
        return None

    def og(self, key: str):
        for node in self.data.get("opengraph") or []:
            if node.get(key):
                return node[key]
        return None

    def _find(self, roots: list, wanted: set[str]) -> tuple[dict, dict] | None:
        """(node, the offer it came in) of the wanted type that is this page's: the one whose
        URL is the page's, else the first with an offer, else the first."""
        by_id = {n["@id"]: n for n, _ in _walk(roots) if isinstance(n.get("@id"), str)}
        found = [(n, parent) for n, parent in _walk(roots) if _types(n) & wanted]
        if not found:
            return None
        here = _same_page(self.response.url)
        on_this_page = [
            f for f in found if here in (_same_page(f[0].get("url")), _same_page(f[0].get("@id")))
        ]
        with_offer = [f for f in found if f[0].get("offers") or _types(f[1]) & OFFER_TYPES]
        node, parent = (on_this_page or with_offer or found)[0]
        offer = parent if _types(parent) & OFFER_TYPES else {}
        return _resolved(node, by_id), _resolved(offer, by_id)

    def _from_product(self, product: dict, outer_offer: dict, syntax: str) -> ListingItem:
        offer = self._offer(product) or outer_offer
        seller = offer.get("seller") if isinstance(offer.get("seller"), dict) else {}
        brand = product.get("brand")
        brand_name = _text(brand.get("name") if isinstance(brand, dict) else brand)
        title = _text(first(product.get("name"), self.og("og:title")))
        if brand_name and brand_name.lower() not in title.lower():
            title = f"{brand_name} {title}"
        spec = offer.get("priceSpecification")
        spec = (as_list(spec) or [{}])[0] if not isinstance(spec, dict) else spec
        return ListingItem(
            url=_text(first(product.get("url"), offer.get("url"), self.response.url)),
            platform=self.platform,
            title=title,
            description=html_to_text(_text(first(product.get("description"),
                                                 self.og("og:description")))),
            price=first(offer.get("price"), offer.get("lowPrice"),
                        spec.get("price") if isinstance(spec, dict) else None),
            currency=first(offer.get("priceCurrency"),
                           spec.get("priceCurrency") if isinstance(spec, dict) else None),
            external_id=str(first(product.get("sku"), product.get("productID"), "") or "") or None,
            images=[_image_url(image) for image in as_list(product.get("image"))],
            seller_name=_text(first(seller.get("name"), self.og("og:site_name"))),
            seller_url=_text(seller.get("url")),
            source=syntax,
        )  # fmt: skip

    def _from_post(self, post: dict, syntax: str) -> ListingItem:
        author = (as_list(post.get("author")) or [{}])[0]
        author_name = author.get("name") if isinstance(author, dict) else author
        author_url = author.get("url") if isinstance(author, dict) else ""
        return ListingItem(
            url=self.response.url,
            platform=self.platform,
            title=_text(first(post.get("headline"), post.get("name"), self.og("og:title"))),
            description=html_to_text(_text(first(post.get("articleBody"), post.get("text"),
                                                 post.get("description")))),
            images=[_image_url(image) for image in as_list(post.get("image"))],
            seller_name=_text(author_name),
            seller_url=_text(author_url),
            source=syntax,
        )  # fmt: skip

    @staticmethod
    def _offer(product: dict) -> dict:
        offers = [o for o in as_list(product.get("offers")) if isinstance(o, dict)]
        offer = next((o for o in offers if o.get("price") not in (None, "")), None)
        offer = offer or (offers[0] if offers else {})
        nested = as_list(offer.get("offers"))  # AggregateOffer holding Offers
        if offer.get("price") is None and nested and isinstance(nested[0], dict):
            return {**nested[0], **{k: v for k, v in offer.items() if k != "offers"}}
        return offer

    def _from_opengraph(self) -> ListingItem | None:
        og_type = str(self.og("og:type") or "").lower()
        price = first(self.og("product:price:amount"), self.og("og:price:amount"))
        if "product" not in og_type and price is None:
            return None
        return ListingItem(
            url=self.og("og:url") or self.response.url,
            platform=self.platform,
            title=self.og("og:title") or "",
            description=self.og("og:description") or "",
            price=price,
            currency=first(self.og("product:price:currency"), self.og("og:price:currency")),
            images=[url for url in as_list(self.og("og:image")) if isinstance(url, str)],
            seller_name=self.og("og:site_name") or "",
            source="opengraph",
        )


def _walk(roots: list):
    """Every schema.org node with the node holding it, depth first, page order."""
    stack = [(node, {}) for node in reversed(roots)]
    seen = 0
    while stack and seen < MAX_NODES:
        node, parent = stack.pop()
        if isinstance(node, list):
            stack.extend((item, parent) for item in reversed(node))
            continue
        if not isinstance(node, dict):
            continue
        seen += 1
        yield node, parent
        stack.extend((value, node) for value in reversed(list(node.values())))


def _resolved(node: dict, by_id: dict) -> dict:
    """The node with its `{"@id": ...}` references (offers, brand, seller) filled in."""
    return {
        key: by_id.get(value["@id"], value)
        if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str)
        else value
        for key, value in node.items()
    }


def _types(node: dict) -> set[str]:
    """`Product`, `schema:Product`, `https://schema.org/Product` all say Product."""
    names = set()
    for value in as_list(node.get("@type")):
        if isinstance(value, str):
            names.add(value.rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].rsplit("#", 1)[-1])
    return names


def _same_page(url) -> str:
    if not isinstance(url, str) or not url:
        return "\0"
    parts = urlsplit(url)
    return f"{parts.hostname}{parts.path.rstrip('/')}"


def _text(value) -> str:
    """Schema.org values come as strings, numbers, lists or {"@value": ...}; text wanted."""
    if isinstance(value, list):
        value = first(*value)
    if isinstance(value, dict):
        value = first(value.get("@value"), value.get("name"))
    return "" if value is None else str(value)


def _image_url(image) -> str:
    if isinstance(image, dict):
        return _text(first(image.get("url"), image.get("contentUrl"), image.get("@id")))
    return _text(image)


def _rdfa_as_jsonld(nodes: list) -> list[dict]:
    """extruct's RDFa is expanded JSON-LD (`http://schema.org/name: [{"@value": ...}]`); make it
    read like compact JSON-LD, with references to other nodes resolved one level."""
    compact = {}
    for node in nodes:
        if not isinstance(node, dict):
            continue
        item = {"@type": [t for t in as_list(node.get("@type")) if isinstance(t, str)]}
        if isinstance(node.get("@id"), str):
            item["@id"] = node["@id"]
        for key, values in node.items():
            if key.startswith("@"):
                continue
            name = key.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            unwrapped = [v.get("@value", v) if isinstance(v, dict) else v for v in as_list(values)]
            item[name] = unwrapped[0] if len(unwrapped) == 1 else unwrapped
        compact[item.get("@id") or id(item)] = item
    for item in compact.values():
        for key, value in list(item.items()):
            if isinstance(value, dict) and set(value) == {"@id"}:
                item[key] = compact.get(value["@id"], value)
    return list(compact.values())
