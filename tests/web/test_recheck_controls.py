"""Re-check from the pages (SOP 8): the listing page re-checks its listing, a sent letter's page
the links it asked to take down — each as a background job whose progress the page shows."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from casebook.models import Job

PASSWORDS = {"analis": "sandi-analis-1", "upt": "sandi-upt-1", "tamu": "sandi-tamu-1"}


def _client(app, who: str):
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": who, "password": PASSWORDS[who], "csrf_token": token})
    return client


def _post(client, path: str, page: str):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token.group(1)})


def _jobs(sop) -> list[tuple[str, dict]]:
    with sop.sessions() as session:
        return [(job.kind, job.args) for job in session.scalars(select(Job).order_by(Job.id))]


def test_the_listing_page_rechecks_its_listing(sop):
    client = _client(sop.app, "analis")
    listing = sop.ids["listing0"]
    page = f"/listings/{listing}"
    assert 'id="recheck"' in client.get(page).get_data(as_text=True)
    answer = _post(client, f"{page}/recheck", page)
    assert answer.status_code == 303 and re.search(rf"{page}\?job=\d+$", answer.location)
    assert _jobs(sop) == [("recheck", {"listing_ids": [listing]})]
    shown = client.get(answer.location).get_data(as_text=True)
    assert 'class="job-progress"' in shown and 'data-active="1"' in shown  # queued: reloads


def test_a_sent_letters_page_rechecks_the_links_it_asked_to_take_down(sop):
    client = _client(sop.app, "analis")
    sent, draft = sop.ids["letter_komdigi"], sop.ids["letter_idea"]
    assert 'id="recheck-links"' not in client.get(f"/letters/{draft}").get_data(as_text=True)
    answer = _post(client, f"/letters/{sent}/recheck", f"/letters/{sent}")
    assert answer.status_code == 303 and "?job=" in answer.location
    assert _jobs(sop) == [("recheck", {"listing_ids": [sop.ids["listing2"]]})]  # the social link


@pytest.mark.parametrize(
    "path", ["/listings/{listing0}/recheck", "/letters/{letter_komdigi}/recheck"]
)
def test_a_viewer_cannot_start_a_recheck(sop, path):
    client = _client(sop.app, "tamu")
    target = path.format(**sop.ids)
    answer = _post(client, target, "/")
    assert answer.status_code == 403 and _jobs(sop) == []
