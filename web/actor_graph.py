"""An actor's accounts and the identifiers joining them, drawn on the server as inline SVG.

The layout is deterministic, so the same actor draws the same picture on every load: accounts
sit on an outer circle grouped by platform, identifiers on an inner circle (one alone in the
middle), each placed near the accounts it joins, and every join is a straight line. Labels
come from crawled pages (shop names, numbers, handles) and are escaped here; colours are CSS
classes in web/static/actors.css, never inline style (the CSP forbids it). A big actor is
capped: the best-joined nodes are drawn and the rest counted in a "+N more" line.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from itertools import count

from markupsafe import Markup

WIDTH = 900  # room for a shop name either side of the circle
CX, CY = WIDTH / 2, 0.0  # the circles' centre; the viewBox is cut around them
MAX_OUTER = 215
# From this many nodes on a circle, labels run along their radius (outwards for accounts,
# inwards for identifiers): level labels of crowded neighbours would print over each other.
RADIAL_ACCOUNTS, RADIAL_IDENTIFIERS = 13, 9
MAX_ACCOUNTS, MAX_IDENTIFIERS = 36, 24
PLATFORM_CLASSES = 6  # actors.css defines .platform-0 .. .platform-5
_ids = count(1)


@dataclass(frozen=True)
class Node:
    key: str  # unique in one graph, e.g. "seller:12" or "phone:+62812..."
    label: str
    group: str  # an account's platform, an identifier's kind
    account: bool = True
    href: str = ""  # where a click on the node goes (an anchor on the page)


@dataclass(frozen=True)
class Edge:
    a: str  # node keys
    b: str


@dataclass(frozen=True)
class Words:
    """The drawing's words, translated by the caller (this module knows no language)."""

    title: str = "Graf akun dan identitas"
    empty: str = "Belum ada akun"
    more: str = "+{accounts} akun dan +{identifiers} identitas lagi tidak digambar"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _short(label: str, limit: int = 24) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _css(word: str) -> str:
    """A class name from a kind such as "bank_account": letters, digits, '-' and '_' only."""
    return re.sub(r"[^a-z0-9_-]", "", str(word).lower())[:32] or "other"


def draw(nodes: Sequence[Node], edges: Sequence[Edge], words: Words = Words()) -> Markup:
    """The SVG of `nodes` and `edges`; edges naming a node not drawn are left out."""
    accounts, identifiers, hidden = _chosen(nodes, edges)
    graph_id = f"actor-graph-{next(_ids)}"
    description = _description(accounts, identifiers, edges)
    # a few accounts draw a small circle: the picture keeps to what it shows
    outer = min(MAX_OUTER, 90 + 14 * len(accounts)) if accounts else 0
    radial = len(accounts) >= RADIAL_ACCOUNTS
    inward = len(identifiers) >= RADIAL_IDENTIFIERS
    margin = 165 if radial else 45  # the labels' room beyond the circle
    top, bottom = CY - outer - margin, CY + outer + margin + 20  # and the legend, the "+N"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="actor-graph" role="img" '
        f'viewBox="0 {top:.0f} {WIDTH} {bottom - top:.0f}" width="100%" '
        f'aria-labelledby="{graph_id}-title {graph_id}-desc">',
        f'<title id="{graph_id}-title">{_e(words.title)}</title>',
        f'<desc id="{graph_id}-desc">{_e(description or words.empty)}</desc>',
    ]
    if not accounts:
        parts.append(f'<text class="empty" x="{CX}" y="{CY}" text-anchor="middle">'
                     f"{_e(words.empty)}</text></svg>")  # fmt: skip
        return Markup("".join(parts))
    where = _account_places(accounts, outer)
    where.update(_identifier_places(identifiers, edges, where, outer * (0.6 if inward else 0.49)))
    platforms = sorted({node.group for node in accounts})
    parts.append('<g class="edges">')
    for edge in edges:
        if edge.a in where and edge.b in where:
            (x1, y1), (x2, y2) = where[edge.a], where[edge.b]
            parts.append(f'<line class="edge" x1="{x1:.1f}" y1="{y1:.1f}" '
                         f'x2="{x2:.1f}" y2="{y2:.1f}"/>')  # fmt: skip
    parts.append("</g>")
    for node in identifiers:
        parts.append(_identifier(node, where[node.key], inward))
    for node in accounts:
        parts.append(_account(node, where[node.key], platforms.index(node.group), radial))
    parts.append(_legend(platforms, bottom - 14))
    if hidden[0] or hidden[1]:
        text = words.more.format(accounts=hidden[0], identifiers=hidden[1])
        parts.append(f'<text class="more" x="{WIDTH - 12}" y="{bottom - 10:.0f}" '
                     f'text-anchor="end">{_e(text)}</text>')  # fmt: skip
    parts.append("</svg>")
    return Markup("".join(parts))


def _chosen(
    nodes: Sequence[Node], edges: Sequence[Edge]
) -> tuple[list[Node], list[Node], tuple[int, int]]:
    """The accounts and identifiers to draw (best joined first, then by name) and how many of
    each are left out."""
    degree: dict[str, int] = defaultdict(int)
    for edge in edges:
        degree[edge.a] += 1
        degree[edge.b] += 1
    unique = list({node.key: node for node in nodes}.values())

    def rank(node: Node) -> tuple:
        return (-degree[node.key], node.group, node.label, node.key)

    accounts = sorted((n for n in unique if n.account), key=rank)
    identifiers = sorted((n for n in unique if not n.account), key=rank)
    shown_accounts = sorted(accounts[:MAX_ACCOUNTS], key=lambda n: (n.group, n.label, n.key))
    shown_identifiers = identifiers[:MAX_IDENTIFIERS]
    hidden = (len(accounts) - len(shown_accounts), len(identifiers) - len(shown_identifiers))
    return shown_accounts, shown_identifiers, hidden


def _account_places(accounts: list[Node], outer: float) -> dict[str, tuple[float, float]]:
    """Evenly round the outer circle, one empty slot between platforms, from the top."""
    slots: list[Node | None] = []
    for node in accounts:
        if slots and slots[-1] is not None and slots[-1].group != node.group:
            slots.append(None)
        slots.append(node)
    if len({n.group for n in accounts}) > 1:
        slots.append(None)  # the gap between the last platform and the first
    step = 2 * math.pi / len(slots)
    return {
        node.key: _at(outer, -math.pi / 2 + n * step)
        for n, node in enumerate(slots)
        if node is not None
    }


def _identifier_places(
    identifiers: list[Node],
    edges: Sequence[Edge],
    accounts: dict[str, tuple[float, float]],
    inner: float,
) -> dict[str, tuple[float, float]]:
    """Inner circle, ordered by the mean direction of the accounts each joins (fewer crossings)."""
    if len(identifiers) == 1:
        return {identifiers[0].key: (CX, CY)}
    joined: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for edge in edges:
        for mine, other in ((edge.a, edge.b), (edge.b, edge.a)):
            if other in accounts:
                joined[mine].append(accounts[other])

    def direction(node: Node) -> tuple[float, str]:
        points = joined.get(node.key) or [(CX, CY - 1)]
        x = sum(p[0] - CX for p in points)
        y = sum(p[1] - CY for p in points)
        return ((math.atan2(y, x) + math.pi / 2) % (2 * math.pi), node.key)

    ordered = sorted(identifiers, key=direction)
    step = 2 * math.pi / max(len(ordered), 1)
    first = direction(ordered[0])[0] - math.pi / 2 if ordered else 0.0
    return {node.key: _at(inner, first + n * step) for n, node in enumerate(ordered)}


def _at(radius: float, angle: float) -> tuple[float, float]:
    return CX + radius * math.cos(angle), CY + radius * math.sin(angle)


def _label(place: tuple[float, float], text: str, css: str, *, radial: bool, out: bool) -> str:
    """A node's label: level beside it, or along its radius, away from (`out`) or towards
    the centre; read left to right on either half of the circle."""
    x, y = place
    angle = math.atan2(y - CY, x - CX)
    right = math.cos(angle) >= -1e-9
    if not radial:
        return (f'<text class="{css}" x="{x + (12 if right else -12):.1f}" y="{y + 4:.1f}" '
                f'text-anchor="{"start" if right else "end"}">{_e(text)}</text>')  # fmt: skip
    step = 11 if out else -10
    lx, ly = x + step * math.cos(angle), y + step * math.sin(angle)
    turn = math.degrees(angle) + (0 if right else 180)
    anchor = "start" if right == out else "end"
    return (f'<text class="{css}" x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" '
            f'dominant-baseline="middle" transform="rotate({turn:.1f} {lx:.1f} {ly:.1f})">'
            f"{_e(text)}</text>")  # fmt: skip


def _account(node: Node, place: tuple[float, float], platform: int, radial: bool) -> str:
    x, y = place
    body = (
        f'<circle class="platform-{platform % PLATFORM_CLASSES}" cx="{x:.1f}" cy="{y:.1f}" '
        f'r="8"/>' + _label(place, _short(node.label), "label", radial=radial, out=True)
    )
    title = f"<title>{_e(node.group)}: {_e(node.label)}</title>"
    if node.href:
        body = f'<a href="{_e(node.href)}">{body}</a>'
    return f'<g class="node account" data-key="{_e(node.key)}">{title}{body}</g>'


def _identifier(node: Node, place: tuple[float, float], inward: bool) -> str:
    x, y = place
    css = "label identifier-label"
    if inward:  # towards the centre, short enough not to reach the labels across it
        label = _label(place, _short(node.label, 16), css, radial=True, out=False)
    else:
        label = (f'<text class="{css}" x="{x:.1f}" y="{y - 10:.1f}" text-anchor="middle">'
                 f"{_e(_short(node.label, 22))}</text>")  # fmt: skip
    return (
        f'<g class="node identifier kind-{_css(node.group)}" data-key="{_e(node.key)}">'
        f"<title>{_e(node.group)}: {_e(node.label)}</title>"
        f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" rx="2"/>{label}</g>'
    )


def _legend(platforms: list[str], y: float) -> str:
    out, x = ['<g class="legend">'], 12.0
    for n, name in enumerate(platforms[:8]):
        out.append(
            f'<circle class="platform-{n % PLATFORM_CLASSES}" cx="{x + 6}" cy="{y - 4:.0f}" '
            f'r="6"/><text class="label" x="{x + 16}" y="{y:.0f}">'
            f"{_e(_short(name, 20))}</text>"
        )
        x += 34 + 7 * len(_short(name, 20))
    out.append("</g>")
    return "".join(out)


def _description(accounts: list[Node], identifiers: list[Node], edges: Sequence[Edge]) -> str:
    """The picture in words for a screen reader: each identifier and the accounts it joins."""
    names = {node.key: node.label for node in accounts}
    joins: dict[str, list[str]] = defaultdict(list)
    for edge in edges:
        for mine, other in ((edge.a, edge.b), (edge.b, edge.a)):
            if other in names:
                joins[mine].append(names[other])
    return "; ".join(
        f"{node.group} {node.label}: {', '.join(joins.get(node.key, []))}" for node in identifiers
    )
