"""Takedown lists and letters read a page at a time under an access condition (REST API v1's
GET /takedown-lists and GET /letters)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from casebook.models import Letter, TakedownList
from casebook.services import caseboard, letters
from casebook.services.access import Scope, letter_condition, list_condition

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)
SURABAYA = "Balai Besar POM di Surabaya"
LISTS = [  # (unit, status, letter statuses)
    ("", "sent", ("sent", "sent")),
    (SURABAYA, "verified", ("draft",)),
    (SURABAYA, "draft", ()),
    ("Balai POM di Ambon", "draft", ("draft",)),
]
SCOPES = {
    "analyst": Scope("ani", "analyst"),
    "surabaya": Scope("budi", "upt_officer", SURABAYA),
    "ambon": Scope("citra", "upt_officer", "Balai POM di Ambon"),
}


@pytest.fixture
def seeded(sessions):
    seq = 0
    with sessions() as session, session.begin():
        for unit, status, letter_statuses in LISTS:
            made = TakedownList(unit=unit, status=status, created_by="ani", created_at=T0)
            session.add(made)
            session.flush()
            for letter_status in letter_statuses:
                seq += 1
                session.add(Letter(kind="rekomendasi_takedown", list_id=made.id, recipient="idea",
                                   number=f"B-{seq}/2026", year=2026, seq=seq,
                                   status=letter_status, created_by="ani",
                                   created_at=T0))  # fmt: skip


@pytest.mark.parametrize(
    "who, status, lists, letter_ids",
    [
        ("analyst", None, [1, 2, 3, 4], [1, 2, 3, 4]),
        ("analyst", "draft", [3, 4], [3, 4]),
        ("surabaya", None, [2, 3], [3]),
        ("surabaya", "sent", [], []),
        ("ambon", None, [4], [4]),
    ],
)
def test_pages_follow_the_access_condition(sessions, seeded, who, status, lists, letter_ids):
    scope = SCOPES[who]
    with sessions() as session:
        found = caseboard.lists_after(session, list_condition(scope), status=status)
        assert [x.id for x in found] == lists
        shown = letters.letters(session, where=letter_condition(scope), status=status)
        assert [x.id for x in shown] == letter_ids


@pytest.mark.parametrize("after_id, limit, expected", [(0, 3, [1, 2, 3]), (3, 3, [4]),
                                                       (4, 3, [])])  # fmt: skip
def test_pages_are_keyset_pages(sessions, seeded, after_id, limit, expected):
    where = list_condition(SCOPES["analyst"])
    with sessions() as session:
        found = caseboard.lists_after(session, where, after_id=after_id, limit=limit)
        assert [x.id for x in found] == expected
        assert all(x.links == [] for x in found)  # loaded with the list, none here
        shown = letters.letters(session, after_id=after_id, limit=limit)
        assert [x.id for x in shown] == expected
