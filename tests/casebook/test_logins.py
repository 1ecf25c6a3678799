"""Login throttling as a casebook rule: failures counted per name and per address in a window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from casebook.services import logins, users

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
RULE = logins.Throttle(failures_per_name=3, failures_per_address=5, window=timedelta(minutes=15))
RIGHT, WRONG = "rahasia-1", "salah"


@pytest.fixture
def session(sessions):
    with sessions() as session, session.begin():
        users.create_user(session, "analis", RIGHT, "analyst", actor="test")
        users.create_user(session, "tamu", RIGHT, "viewer", actor="test")
    with sessions() as session:
        yield session


def _try(session, name, address, password, minute):
    return logins.log_in(session, name, password, address, throttle=RULE,
                         now=T0 + timedelta(minutes=minute))  # fmt: skip


def _wrong(name, address, minutes):
    return [(name, address, WRONG, minute) for minute in minutes]


@pytest.mark.parametrize(
    "before, last, throttled",
    [
        # per name: the 4th try after 3 failures is refused, even with the right password
        (_wrong("analis", "10.0.0.1", [0, 1, 2]), ("analis", "10.0.0.1", 3), True),
        (_wrong("analis", "10.0.0.1", [0, 1, 2]), ("analis", "10.0.0.9", 3), True),  # any address
        (_wrong("analis", "10.0.0.1", [0, 1]), ("analis", "10.0.0.1", 3), False),
        (_wrong("analis", "10.0.0.1", [0, 1, 2]), ("tamu", "10.0.0.2", 3), False),  # other names
        # the window moves on: 15 minutes after the 3rd-newest failure, tries are back
        (_wrong("analis", "10.0.0.1", [0, 1, 2]), ("analis", "10.0.0.1", 16), False),
        (_wrong("analis", "10.0.0.1", [0, 10, 11]), ("analis", "10.0.0.1", 14), True),
        # a success wipes the name's slate (it cannot happen while refused)
        ([*_wrong("analis", "10.0.0.1", [0, 1]), ("analis", "10.0.0.1", RIGHT, 2),
          *_wrong("analis", "10.0.0.1", [3, 4])], ("analis", "10.0.0.1", 5), False),
        # per address: 5 failures over any names lock that address, not others
        (_wrong("budi", "10.0.0.7", [0, 1]) + _wrong("citra", "10.0.0.7", [2, 3])
         + _wrong("dodi", "10.0.0.7", [4]), ("tamu", "10.0.0.7", 5), True),
        (_wrong("budi", "10.0.0.7", [0, 1]) + _wrong("citra", "10.0.0.7", [2, 3])
         + _wrong("dodi", "10.0.0.7", [4]), ("tamu", "10.0.0.8", 5), False),
        (_wrong("budi", "10.0.0.7", [0, 1]) + _wrong("citra", "10.0.0.7", [2, 3]),
         ("tamu", "10.0.0.7", 5), False),
        # refused tries do not extend the lock
        (_wrong("analis", "10.0.0.1", [0, 1, 2]) + [("analis", "10.0.0.1", WRONG, m)
         for m in range(3, 15)], ("analis", "10.0.0.1", 16), False),
    ],
)  # fmt: skip
def test_throttling_by_name_and_address(session, before, last, throttled):
    for name, address, password, minute in before:
        _try(session, name, address, password, minute)
    name, address, minute = last
    result = _try(session, name, address, RIGHT, minute)
    assert result.throttled is throttled
    assert (result.user is None) is throttled


def test_the_wait_is_until_the_window_passes_the_counted_failure(session):
    for minute in (0, 4, 5):
        _try(session, "analis", "10.0.0.1", WRONG, minute)
    # refused until the oldest of the three counted failures (minute 0) leaves the window
    assert _try(session, "analis", "10.0.0.1", RIGHT, 6).retry_after == timedelta(minutes=9)


def test_wrong_and_unknown_names_fail_alike(session):
    assert _try(session, "analis", "10.0.0.1", WRONG, 0).user is None
    assert _try(session, "nobody", "10.0.0.1", RIGHT, 0).user is None
    assert _try(session, "analis", "10.0.0.1", RIGHT, 0).user.username == "analis"
