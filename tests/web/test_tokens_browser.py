"""The API tokens page in real headless Chromium: a token is made, shown once, works against the
API, is only listed afterwards, and stops working when revoked — with no script the CSP
blocks (the page works without inline script)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from casebook.services import users
from web import create_app

pytestmark = pytest.mark.browser
HOSTILE_NAME = '<img src=x onerror="window.__pwned=1"> skrip harian'


@pytest.fixture
def base(config, sessions, serve_app) -> str:
    with sessions() as session, session.begin():
        users.create_user(session, "tamu", "rahasia-tamu", "viewer", actor="test")
    return serve_app(create_app(config))


@pytest.fixture
def page(base, chromium):
    context = chromium.new_context()
    context.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective));"
    )
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", "tamu")
    page.fill("input[name=password]", "rahasia-tamu")
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    yield page
    context.close()


def _api(base: str, token: str) -> int:
    request = urllib.request.Request(
        base + "/api/v1/listings", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_create_see_once_then_revoke(base, page):
    page.goto(base + "/tokens")
    assert page.locator("tr.token").count() == 0
    page.fill("input[name=name]", HOSTILE_NAME)
    with page.expect_navigation():
        page.click("#create-token")
    token = page.inner_text("#new-token").strip()
    assert token.startswith("ptl_") and len(token) > 40
    assert _api(base, token) == 200

    page.goto(base + "/tokens")  # the same page again: listed, never shown
    assert page.locator("#new-token").count() == 0
    assert token not in page.content()
    row = page.locator("tr.token")
    assert row.count() == 1
    assert row.locator("td.name").inner_text() == HOSTILE_NAME  # the name shows as text
    assert row.locator("td.last-used").inner_text()[:2] == "20"  # the API call above

    with page.expect_navigation():
        row.locator("button.revoke").click()
    assert page.locator("tr.token.revoked").count() == 1
    assert page.locator("button.revoke").count() == 0
    assert _api(base, token) == 401
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__violations") == []
