"""Two crawl workers storing the same listings and sellers at the same moment: both succeed,
nothing is stored twice (SQLite and PostgreSQL, two real threads with their own connections).

The first writer holds its transaction open after writing; the second reads (finding
nothing committed), writes into the first's rows and waits on them; then the first commits."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from casebook.models import Listing, Seller, SellerIdentifier
from casebook.services import listings
from casebook.services.listings import ListingRecord, SellerRecord
from rules.model import Verdict

SHOP = SellerRecord("pasarku", "Toko Sehat", "http://127.0.0.1:9/toko/sehat", "Bandung",
                    (("phone", "6281234567890"),))  # fmt: skip
OTHER = SellerRecord("pasarku", "Toko Lain", "http://127.0.0.1:9/toko/lain", "Jakarta")


def batch(*pairs: tuple[str, SellerRecord | None]):
    return [
        (ListingRecord(url, "pasarku", title=f"Jamu {url[-1]}", seller=seller), Verdict(url))
        for url, seller in pairs
    ]


def race(sessions, first_store, second_store) -> list[BaseException]:
    """Run both; the first writes, holds its transaction while the second collides, commits."""
    written, errors = threading.Event(), []

    def first():
        try:
            with sessions() as session, session.begin():
                first_store(session)
                written.set()
                time.sleep(0.5)  # the second one's insert now waits on our rows
        except BaseException as error:
            errors.append(error)
            written.set()

    def second():
        written.wait(30)
        try:
            with sessions() as session, session.begin():
                second_store(session)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


URL_A, URL_B = "http://127.0.0.1:9/p/a", "http://127.0.0.1:9/p/b"


@pytest.mark.parametrize(
    "first, second",
    [
        ([(URL_A, SHOP)], [(URL_A, SHOP)]),  # the same listing and seller
        ([(URL_A, SHOP), (URL_B, OTHER)], [(URL_B, OTHER), (URL_A, SHOP)]),  # crossed order
        ([(URL_A, SHOP)], [(URL_B, SHOP)]),  # the same seller only
        ([(URL_A, None)], [(URL_A, None)]),  # no seller: the listing alone
        ([(URL_A, SHOP)], [(URL_B, OTHER)]),  # nothing shared: no waiting at all
    ],
)
def test_workers_storing_the_same_listing_at_once_both_succeed_and_store_it_once(
    sessions, first, second
):
    errors = race(
        sessions,
        lambda session: listings.record_listings(session, batch(*first)),
        lambda session: listings.record_listings(session, batch(*second)),
    )
    assert errors == []
    urls = {url for url, _ in first + second}
    sellers = {s.url for _, s in first + second if s}
    with sessions() as session:
        assert session.scalar(select(func.count(Listing.id))) == len(urls)
        assert session.scalar(select(func.count(Seller.id))) == len(sellers)
        phones = session.scalars(select(SellerIdentifier.value)).all()
        assert phones == (["6281234567890"] if SHOP.url in sellers else [])
        sold_by = {url: seller.url if seller else None for url, seller in first + second}
        for listing in session.scalars(select(Listing)):
            assert (listing.seller.url if listing.seller else None) == sold_by[listing.url]


@pytest.mark.parametrize("seller_known", [False, True])
def test_workers_adding_the_same_seller_and_identifier_at_once_both_succeed(sessions, seller_known):
    numbers = (("phone", "6281234567890"), ("whatsapp", "6281234567890"))
    shop_page = SellerRecord(SHOP.platform, SHOP.name, SHOP.url, SHOP.location, numbers)
    if seller_known:  # only its identifiers are new, to both
        with sessions() as session, session.begin():
            listings.record_sellers(session, [SellerRecord(SHOP.platform, SHOP.name, SHOP.url)])
    errors = race(
        sessions,
        lambda session: listings.record_sellers(session, [shop_page]),
        lambda session: listings.record_sellers(session, [shop_page, OTHER]),
    )
    assert errors == []
    with sessions() as session:
        assert session.scalar(select(func.count(Seller.id))) == 2
        kinds = session.scalars(select(SellerIdentifier.kind).order_by(SellerIdentifier.kind))
        assert kinds.all() == ["phone", "whatsapp"]
