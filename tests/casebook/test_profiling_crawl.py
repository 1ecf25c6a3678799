"""The crawl's batches are linked as they are stored: CasebookPipeline relinks the sellers of
each batch it writes (a real pipeline, a real casebook on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from scrapy import Spider
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from casebook.models import Actor, ActorAccount, ActorLink, AuditEvent
from crawler.items import ListingItem
from crawler.pipelines import CasebookPipeline, NormalizePipeline
from rules.model import Verdict

# (listing slug, seller slug, what the shop's page says): the first two shops share a number
# written two ways; two shops name a courier's number as the courier's, and the last two show it
# as if their own - it joins nothing.
SHOPS = [
    ("krim-a", "toko-a", "WA 0812-3456-1111 order di sini"),
    ("krim-b", "toko-b", "Hubungi kami: +62 812 3456 1111\n\nPengiriman JNE, kurir 0812-9999-0000"),
    ("krim-c", "toko-c", "Pengiriman JNE, kurir 0812-9999-0000"),
    ("krim-d", "toko-d", "WA 0812 9999 0000"),
    ("krim-e", "toko-e", "WA 0812.9999.0000"),
]


@pytest.fixture
def crawled(config, sessions):
    # one item per batch: each batch's relink sees a part, what is kept out is counted over all
    settings = {"PATROLI_DATABASE_URL": config.database_url, "PATROLI_BATCH_SIZE": 1}
    crawler = get_crawler(Spider, settings)
    crawler._apply_settings()
    crawler.spider = Spider(name="marketplace")
    pipeline = CasebookPipeline.from_crawler(crawler)
    normalize = NormalizePipeline()
    for listing, shop, text in SHOPS:
        url = f"http://pasar.example/{listing}"
        item = ListingItem(url=url, platform="pasarku", title="Krim pemutih",
                           seller_name=shop, seller_url=f"http://pasar.example/toko/{shop}",
                           seller_text=text, verdict=Verdict(url, (), "", (), "v1"))  # fmt: skip
        pipeline.write([normalize.process_item(item)])  # a batch, as the crawl writes it
    pipeline.engine.dispose()
    with sessions() as session:
        actors = dict(session.execute(select(ActorAccount.seller_id, ActorAccount.actor_id)).all())
        links = session.execute(select(ActorLink.seller_id, ActorLink.kind, ActorLink.value)).all()
        scores = session.scalars(select(Actor.risk_score).where(Actor.id.in_(actors.values())))
        assert all(score > 0 for score in scores)  # each batch's actors are scored (recency)
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "actors.relink")
        ).all()
        return actors, links, [(e.actor, e.after["full"]) for e in events]


def test_the_crawl_links_the_shops_of_its_batch(crawled):
    actors, links, events = crawled
    assert len(actors) == len(SHOPS)  # every seller of the batch has an actor
    a, b, c, d, e = (actors[seller_id] for seller_id in sorted(actors))
    assert a == b and len({a, c, d, e}) == 4  # the courier's number joins nothing
    assert {(kind, value) for _, kind, value in links} == {("phone", "+6281234561111")}
    assert events and all(event == ("crawler", False) for event in events)
