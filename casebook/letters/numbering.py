"""Letter numbers: a running sequence per year, taken by one atomic statement.

`UPDATE letter_sequences SET last = last + 1 WHERE year = :y RETURNING last` both reserves and
reads the number, so two requests at once can neither get the same number nor skip one: the
second waits on the row lock (PostgreSQL) or the write lock (SQLite) until the first commits
or rolls back, and a rolled-back letter gives its number back with the rest of its
transaction. The year's row is created first by an insert that ignores a row a concurrent
request created meanwhile (ON CONFLICT DO NOTHING), so the first letter of a year races safely.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from casebook.letters.office import Office
from casebook.models import LetterSequence

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def next_seq(session: Session, year: int) -> int:
    """The next number of `year`, reserved in the caller's transaction."""
    dialect = session.get_bind().dialect.name
    insert = _INSERTS.get(dialect)
    if insert is None:
        raise RuntimeError(f"letter numbering does not support the {dialect} database")
    session.execute(
        insert(LetterSequence)
        .values(year=year, last=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    taken = session.execute(
        update(LetterSequence)
        .where(LetterSequence.year == year)
        .values(last=LetterSequence.last + 1)
        .returning(LetterSequence.last)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    return int(taken)


def format_number(office: Office, classification: str, seq: int, on: date, kind: str = "") -> str:
    """The number as the office's pattern writes it, e.g. B-123/SM.01/PW.02.03/11/2026; a kind
    of letter may have its own pattern ([number_patterns]), numbered from the same sequence."""
    pattern = (office.settings.get("number_patterns") or {}).get(kind) or office["number_pattern"]
    return pattern.format(
        classification=office.classification_code(classification),
        seq=seq,
        unit_code=office["unit_code"],
        archive_code=office["archive_code"],
        month=on.month,
        year=on.year,
    )
