"""The casebook's matcher reads its registry index from the data dir while the registry is
unchanged, and rebuilds it when the registry, or the file, changed."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.services import registry
from casebook.services.listings import ListingRecord
from casebook.services.matching import Matcher
from rules.model import RegistryProduct

BRAND = "Kireina"
NAMES = [f"{BRAND} {line} {kind} {active} {size}"
         for line in ("Brightening", "Acne Care", "Hydra Boost")
         for kind in ("Serum", "Toner", "Essence")
         for active in ("Niacinamide", "Vitamin C", "Ceramide", "Centella")
         for size in ("20ml", "30ml", "100ml")]  # fmt: skip
DAY = date(2026, 11, 30)


def rows(status: str = "valid") -> list[RegistryProduct]:
    made = [RegistryProduct(f"NA18{i:09d}", name, BRAND, "kosmetik", "PT Kireina", "Krim",
                            date(2024, 1, 1), date(2029, 1, 1), "valid")
            for i, name in enumerate(NAMES)]  # fmt: skip
    made[0] = RegistryProduct(made[0].nie, made[0].product_name, BRAND, "kosmetik", status=status)
    return made


LISTING = ListingRecord(url="http://pasar.example/p/1", platform="pasarku",
                        title=f"PROMO {NAMES[0]} ORI", description="Ready kak")  # fmt: skip


def matcher(sessions, index_dir, **options) -> Matcher:
    with sessions() as session:
        return Matcher.from_session(session, index_dir=index_dir, **options)


def test_a_second_start_reads_the_stored_index(sessions, tmp_path):
    with sessions() as session, session.begin():
        registry.import_registry(session, rows())
    first = matcher(sessions, tmp_path, persist_from=0)
    [stored] = tmp_path.glob("registry-*.idx")
    second = matcher(sessions, tmp_path, persist_from=0)
    assert first.index_source == "built"
    assert second.index_source == f"read from {stored}"
    assert second.check(LISTING, today=DAY) == first.check(LISTING, today=DAY)
    assert len(second.registry) == len(NAMES)


def test_a_changed_registry_gets_a_new_index(sessions, tmp_path):
    with sessions() as session, session.begin():
        registry.import_registry(session, rows())
    before = matcher(sessions, tmp_path, persist_from=0)
    [old] = tmp_path.glob("registry-*.idx")
    with sessions() as session, session.begin():
        registry.import_registry(session, rows(status="revoked"))
    after = matcher(sessions, tmp_path, persist_from=0)
    [new] = tmp_path.glob("registry-*.idx")
    assert new != old and after.index_source == "built"  # the old file is gone
    assert before.check(LISTING, today=DAY).codes == []
    assert after.check(LISTING, today=DAY).codes == ["expired_nie"]  # revoked: read anew


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 3],
        lambda data: data[:-50] + bytes(50),
        lambda data: b"garbage",
        lambda data: b"",
    ],
)
def test_a_damaged_index_file_is_rebuilt_not_trusted(sessions, tmp_path, damage):
    with sessions() as session, session.begin():
        registry.import_registry(session, rows())
    good = matcher(sessions, tmp_path, persist_from=0)
    [stored] = tmp_path.glob("registry-*.idx")
    stored.write_bytes(damage(stored.read_bytes()))
    rebuilt = matcher(sessions, tmp_path, persist_from=0)
    assert rebuilt.index_source.startswith(f"built (stored index {stored} not used")
    assert rebuilt.check(LISTING, today=DAY) == good.check(LISTING, today=DAY)
    assert matcher(sessions, tmp_path, persist_from=0).index_source == f"read from {stored}"


def test_a_small_registry_is_not_stored(sessions, tmp_path):
    with sessions() as session, session.begin():
        registry.import_registry(session, rows())
    assert matcher(sessions, tmp_path / "index").index_source == "built"
    assert not (tmp_path / "index").exists()


def test_reimporting_unchanged_rows_keeps_the_stored_index(sessions, tmp_path):
    with sessions() as session, session.begin():
        registry.import_registry(session, rows()[::-1])
    matcher(sessions, tmp_path / "a", persist_from=0)
    with sessions() as session, session.begin():
        registry.import_registry(session, rows())  # the same rows: nothing changes
    assert matcher(sessions, tmp_path / "a", persist_from=0).index_source.startswith("read")
