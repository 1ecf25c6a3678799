"""Letters (SOP steps 5-6) on a real SQLite file: kinds and routing, numbering under
concurrency, idempotency, sending, responses, refusals — files opened in test_letters_files."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from casebook.letters import content
from casebook.letters import office as office_module
from casebook.letters.numbering import next_seq
from casebook.models import (
    AuditEvent,
    HolidayOverride,
    Letter,
    LetterSequence,
    Listing,
    TakedownLink,
    TakedownList,
)
from casebook.services import audit, evidence, listings, register, takedown
from casebook.services import letters as service
from casebook.services.listings import ListingRecord, SellerRecord
from crawler.evidence import EvidenceStore, Exchange
from rules.catalogue import load_catalogue
from rules.model import Evidence, Verdict
from rules.model import Hit as RulesHit

T0 = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 09:00 in Jakarta
KINDS = {"pasarku": "marketplace", "ceritaku": "social"}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def kind_of(platform: str, url: str) -> str:
    return KINDS.get(platform, "website")


def build_list(sessions, data_dir, rows, *, with_captures: bool = True) -> int:
    """rows: (key, platform, rule ids, link status, title, seller) -> a verified takedown list."""
    catalogue, store = load_catalogue(), EvidenceStore(data_dir)
    batch, captures = [], []
    for key, platform, rule_ids, _, title, seller in rows:
        url = f"http://{platform}.example/p/{key}"
        hits = tuple(RulesHit(catalogue.rule(r).code, r, 0.9, Evidence(title), catalogue.version)
                     for r in rule_ids)  # fmt: skip
        record = ListingRecord(url=url, platform=platform, title=title,
                               seller=SellerRecord(platform, seller, f"http://{platform}.example/s/{seller}"))  # fmt: skip  # noqa: E501
        batch.append((record, Verdict(url, (), "kosmetik", hits, catalogue.version)))
        if with_captures:
            body = f"<html><title>{key}</title></html>".encode()
            exchange = Exchange(url, "GET", [("User-Agent", "t")], 200, "OK",
                                [("Content-Type", "text/html; charset=utf-8")], body)  # fmt: skip
            captures.append(store.capture(url=url, kind="http", exchanges=[exchange],
                                          screenshot=PNG, now=T0))  # fmt: skip
    with sessions() as session, session.begin():
        ids = listings.record_listings(session, batch, now=T0).listing_ids
        listing_ids = [ids[f"http://{p}.example/p/{k}"] for k, p, *_ in rows]
        evidence.record_captures(session, list(zip(captures, listing_ids, strict=False)))
    with sessions() as session, session.begin():
        entries = register.decide(session, listing_ids, "takedown", reason="r", actor="ana")
        list_id = takedown.build_list(session, [e.id for e in entries], actor="ana",
                                      kind_of=kind_of).id  # fmt: skip
        for listing_id, row in zip(listing_ids, rows, strict=True):
            listing = session.get(Listing, listing_id)
            listing.status, listing.status_checked_at = row[3], T0
        takedown.refresh_statuses(session, list_id, actor="ana", now=T0)
    return list_id


MIXED = [
    ("a", "pasarku", ["NO-NIE"], "active", "Krim Pemutih Super", "Toko A"),
    ("b", "pasarku", ["BKO-TRAMADOL", "CLAIM-PANACEA"], "unknown", "Jamu Kuat", "Toko B"),
    ("c", "ceritaku", ["RX-CLASS-K"], "active", "Obat Keras Murah", "Akun C"),
    ("d", "tokobebas", ["NO-NIE"], "nonactive", "Sudah Turun", "Web D"),
]


@pytest.fixture
def office(config):
    return office_module.load(config.data_dir)


@pytest.fixture
def mixed(sessions, config):
    return build_list(sessions, config.data_dir, MIXED, with_captures=False)


def make(sessions, office, list_id, kind="rekomendasi_takedown", **kwargs):
    with sessions() as session, session.begin():
        made = service.make_letters(session, list_id, kind, actor="ana", office=office,
                                    with_pdf=False, now=T0, **kwargs)  # fmt: skip
        return [(x.id, x.recipient, x.number, x.link_count) for x in made]


@pytest.mark.parametrize(
    "kind, recipient, expected",
    [
        # one letter per recipient of the links; the nonactive one (d, komdigi) is left out
        ("rekomendasi_takedown", None, [("idea", 2), ("komdigi", 1)]),
        ("rekomendasi_takedown", "komdigi", [("komdigi", 1)]),
        ("tembusan", None, [("dit_was", 3)]),
        ("tindak_lanjut", "upt", [("upt", 3)]),
        ("permintaan_data", None, [("idea", 2)]),  # e-commerce links only
        ("rekomendasi_pelaku", "dit_intelijen", [("dit_intelijen", 3)]),
    ],
)
def test_kinds_go_to_their_recipients_without_nonactive_links(
    sessions, office, mixed, kind, recipient, expected
):
    made = make(sessions, office, mixed, kind, recipient=recipient)
    assert [(r, n) for _, r, _, n in made] == expected
    with sessions() as session:
        for letter_id, *_ in made:
            letter = session.get(Letter, letter_id)
            links = session.scalars(select(TakedownLink).where(
                TakedownLink.id.in_(service.letter_link_ids(letter)))).all()  # fmt: skip
            assert "nonactive" not in {link.link_status for link in links}
            assert {"docx", "xlsx"} <= set(letter.files)


@pytest.mark.parametrize(
    "kind, recipient, message",
    [
        ("surat_cinta", None, "unknown kind of letter 'surat_cinta'"),
        ("rekomendasi_pelaku", "idea", "goes to dit_was, dit_intelijen, upt, not 'idea'"),
        ("permintaan_data", "komdigi", "goes to idea, not 'komdigi'"),
        ("rekomendasi_takedown", "dit_was", "no link of the list is routed to dit_was"),
    ],
)
def test_bad_requests_are_named(sessions, office, mixed, kind, recipient, message):
    with pytest.raises(service.LetterError, match=message):
        make(sessions, office, mixed, kind, recipient=recipient)


def test_numbers_follow_the_pattern_and_the_year(sessions, office, mixed):
    made = make(sessions, office, mixed)
    assert [number for _, _, number, _ in made] == [
        "B-1/SM.01/PW.02.03/11/2026",
        "B-2/SM.01/PW.02.03/11/2026",
    ]
    [(_, _, secret, _)] = make(sessions, office, mixed, "tembusan", classification="rahasia")
    assert secret == "R-3/SM.01/PW.02.03/11/2026"


def test_asking_twice_returns_the_same_letters(sessions, office, mixed):
    first = make(sessions, office, mixed)
    again = make(sessions, office, mixed)
    only_komdigi = make(sessions, office, mixed, recipient="komdigi")
    assert again == first
    assert only_komdigi == [x for x in first if x[1] == "komdigi"]
    with sessions() as session:
        assert session.scalar(select(func.count(Letter.id))) == 2
        assert session.get(LetterSequence, 2026).last == 2  # no number spent on the repeats
        links = session.scalars(select(TakedownLink).where(TakedownLink.list_id == mixed)).all()
        by_recipient = {x[1]: x[0] for x in first}
        for link in links:
            expected = None if link.link_status == "nonactive" else by_recipient[link.recipient]
            assert link.letter_id == expected


def test_a_list_whose_links_are_all_down_is_refused(sessions, office, config):
    gone = [(k, "pasarku", ["NO-NIE"], "nonactive", k, "T") for k in ("x", "y")]
    list_id = build_list(sessions, config.data_dir, gone, with_captures=False)
    with pytest.raises(service.LetterConflict, match=f"takedown list {list_id} has no link left to "
                       "act on: all 2 were verified nonactive"):  # fmt: skip
        make(sessions, office, list_id)
    with pytest.raises(service.NoSuchLetter, match="no takedown list 999"):
        make(sessions, office, 999)
    with sessions() as session:
        assert session.scalar(select(func.count(Letter.id))) == 0
        assert session.get(LetterSequence, 2026) is None


def test_concurrent_numbers_never_repeat_or_skip(engine, sessions):
    """Eight threads on one SQLite file take numbers; every third transaction rolls back."""
    taken: list[int] = []
    lock = threading.Lock()

    class Abandoned(Exception):
        pass

    def worker(index: int) -> None:
        for turn in range(10):
            try:
                with sessions() as session, session.begin():
                    seq = next_seq(session, 2027)
                    if (index + turn) % 3 == 0:
                        raise Abandoned
            except Abandoned:
                continue
            with lock:
                taken.append(seq)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 53  # 80 turns, 27 abandoned
    assert sorted(taken) == list(range(1, len(taken) + 1))
    with sessions() as session:
        assert session.get(LetterSequence, 2027).last == len(taken)


def test_concurrent_letters_of_many_lists_get_distinct_numbers(sessions, office, config):
    lists = [build_list(sessions, config.data_dir, [(f"k{i}", "pasarku", ["NO-NIE"], "active",
                                                     "t", "s")], with_captures=False)
             for i in range(4)]  # fmt: skip
    numbers: list[str] = []
    errors: list[BaseException] = []

    def worker(list_id: int) -> None:
        try:
            for kind in ("rekomendasi_takedown", "tembusan", "rekomendasi_pelaku"):
                numbers.extend(n for _, _, n, _ in make(sessions, office, list_id, kind))
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in lists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = sorted(int(n.split("-")[1].split("/")[0]) for n in numbers)
    assert seqs == list(range(1, 13))


def test_the_same_request_at_once_makes_one_set_of_letters(sessions, office, mixed):
    """Four officers ask for the same list's recommendations at the same moment."""
    answers: list[list[tuple]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            answers.append(make(sessions, office, mixed))
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert all(answer == answers[0] for answer in answers)
    with sessions() as session:
        assert session.scalar(select(func.count(Letter.id))) == 2
        assert session.get(LetterSequence, 2026).last == 2


def test_sent_sets_the_due_date_and_the_platform_deadline(sessions, office, mixed):
    [(letter_id, *_), _] = make(sessions, office, mixed)
    with sessions() as session, session.begin():
        # an office decree: Friday 13 Nov 2026 is cuti bersama (the package does not know it)
        session.add(HolidayOverride(day=date(2026, 11, 13), off=True, name="cuti bersama",
                                    created_by="admin", created_at=T0))  # fmt: skip
    with sessions() as session, session.begin():
        letter = service.mark_sent(session, letter_id, date(2026, 11, 2), actor="ana")
        # 20 working days after Mon 2 Nov: 30 Nov, one later for the override -> 1 Dec
        assert (letter.status, letter.due_on) == ("sent", date(2026, 12, 1))
        # 24 h after the end of 2 Nov in Jakarta (UTC+7)
        assert letter.deadline_at == datetime(2026, 11, 3, 17, 0, tzinfo=UTC)
    with sessions() as session, session.begin():
        events = session.scalar(select(func.count(AuditEvent.id)))
        service.mark_sent(session, letter_id, date(2026, 11, 2), actor="ana")  # no-op
        assert session.scalar(select(func.count(AuditEvent.id))) == events
    with (
        sessions() as session,
        session.begin(),
        pytest.raises(
            service.LetterConflict,
            match=rf"letter {letter_id} \(B-1/SM.01/PW.02.03/11/"
            r"2026\) was already sent on 2026-11-02",
        ),  # fmt: skip
    ):
        service.mark_sent(session, letter_id, date(2026, 11, 4), actor="ana")
    with pytest.raises(service.LetterError, match="before it was made"):
        run(sessions, service.mark_sent, letter_id + 1, date(2026, 10, 30), actor="ana")


def test_list_is_sent_when_all_its_recommendations_are(sessions, office, mixed):
    made = make(sessions, office, mixed)
    for index, (letter_id, *_) in enumerate(made):
        with sessions() as session, session.begin():
            service.mark_sent(session, letter_id, date(2026, 11, 3), actor="ana",
                              platform_hours=4)  # fmt: skip
            status = session.get(TakedownList, mixed).status
            assert status == ("sent" if index == len(made) - 1 else "verified")


def test_responses_update_the_links(sessions, office, mixed):
    [(idea, *_), (komdigi, *_)] = make(sessions, office, mixed)
    with pytest.raises(service.LetterConflict, match=f"letter {idea} .* has not been sent yet"):
        run(sessions, service.record_response, idea, "done", received_on=date(2026, 11, 3),
            actor="ana")  # fmt: skip
    with sessions() as session, session.begin():
        service.mark_sent(session, idea, date(2026, 11, 2), actor="ana")
        link_ids = service.letter_link_ids(session.get(Letter, idea))
    with sessions() as session, session.begin():
        service.record_response(session, idea, "partial", received_on=date(2026, 11, 3),
                                note="satu diturunkan", actor="ana")  # fmt: skip
        service.record_response(session, idea, "done", link_ids=link_ids[:1],
                                received_on=date(2026, 11, 4), actor="ana")  # fmt: skip
    with sessions() as session:
        responses = {x.id: x.response for x in session.scalars(
            select(TakedownLink).where(TakedownLink.id.in_(link_ids)))}  # fmt: skip
        assert responses == {link_ids[0]: "done", link_ids[1]: "partial"}
        assert len(service.responses(session, idea)) == 3
    other = [link for link in _links(sessions, mixed) if link.letter_id == komdigi]
    bad = [
        ("maybe", None, date(2026, 11, 3), "unknown outcome 'maybe'"),
        ("done", [other[0].id], date(2026, 11, 3), f"link {other[0].id} is not in letter {idea}"),
        ("refused", None, date(2026, 11, 1), "predates letter"),
    ]
    for outcome, ids, received, message in bad:
        with pytest.raises(service.LetterError, match=message):
            run(sessions, service.record_response, idea, outcome, link_ids=ids,
                received_on=received, actor="ana")  # fmt: skip


def test_everything_is_audited(sessions, office, mixed):
    [(letter_id, *_), _] = make(sessions, office, mixed)
    with sessions() as session, session.begin():
        service.mark_sent(session, letter_id, date(2026, 11, 2), actor="ana")
        service.record_response(session, letter_id, "refused", received_on=date(2026, 11, 3),
                                actor="ana")  # fmt: skip
    with sessions() as session:
        actions = session.scalars(select(AuditEvent.action).where(
            AuditEvent.target == f"letter:{letter_id}").order_by(AuditEvent.id)).all()  # fmt: skip
        assert actions == ["letter.create", "letter.sent", "letter.response"]
        assert audit.verify(session) == []  # the chain holds with the letters' events in it


@pytest.mark.parametrize(
    "n, words",
    [(0, "nol"), (1, "satu"), (11, "sebelas"), (12, "dua belas"), (21, "dua puluh satu"),
     (100, "seratus"), (110, "seratus sepuluh"), (1000, "seribu"), (1_001, "seribu satu"),
     (10_000, "sepuluh ribu"), (2_345_678, "dua juta tiga ratus empat puluh lima ribu enam "
      "ratus tujuh puluh delapan")],
)  # fmt: skip
def test_counts_are_spelled_as_letters_spell_them(n, words):
    assert content.terbilang(n) == words
    assert content.counted(n).endswith(f" ({words})")


@pytest.mark.parametrize(
    "names, text",
    [((), ""), (("IdEA",),  "IdEA"), (("IdEA", "Komdigi"), "IdEA dan Komdigi"),
     (("IdEA", "Komdigi", "Dit. Was"), "IdEA, Komdigi dan Dit. Was")],
)  # fmt: skip
def test_agencies_are_listed_as_a_sentence(names, text):
    assert content._listed(names) == text


def test_dates_are_written_in_indonesian():
    assert content.tanggal(date(2027, 3, 9)) == "9 Maret 2027"
    assert content.counted(12_345) == "12.345 (dua belas ribu tiga ratus empat puluh lima)"


def test_office_settings_override_key_by_key(config):
    config.data_dir.mkdir(parents=True, exist_ok=True)
    (config.data_dir / "office.toml").write_text(
        'number_pattern = "{classification}.{seq:04}/{unit_code}/{year}"\n'
        '[signatory]\nname = "Dra. Siti & Rekan"\n'
    )
    office = office_module.load(config.data_dir)
    assert office["signatory"]["name"] == "Dra. Siti & Rekan"
    assert office["signatory"]["position"] == "Direktur Siber Obat dan Makanan"  # kept
    (config.data_dir / "office.toml").write_text('number_pattern = "{nomor}"\n')
    with pytest.raises(office_module.OfficeError, match="number_pattern cannot be filled"):
        office_module.load(config.data_dir)
    (config.data_dir / "office.toml").write_text("platform_hours = -4\n")
    with pytest.raises(office_module.OfficeError, match="platform_hours must be a whole number"):
        office_module.load(config.data_dir)


def run(sessions, call, *args, **kwargs):
    """A service call in its own transaction."""
    with sessions() as session, session.begin():
        return call(session, *args, **kwargs)


def _links(sessions, list_id):
    with sessions() as session:
        return session.scalars(select(TakedownLink).where(TakedownLink.list_id == list_id)).all()
