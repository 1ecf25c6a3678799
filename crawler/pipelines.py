"""Item pipelines, thin: normalise -> rules -> casebook (batched writes)."""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections import Counter
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.log import failure_to_exc_info
from sqlalchemy.exc import IntegrityError
from twisted.internet.defer import Deferred, DeferredLock, succeed
from twisted.internet.threads import deferToThread

from casebook.db import make_engine, make_session_factory
from casebook.services import access, actor_profile, profiling, rechecks
from casebook.services import evidence as evidence_service
from casebook.services import listings as listing_service
from casebook.services.listings import ListingRecord, SellerRecord
from casebook.services.matching import Matcher
from crawler.items import ListingItem, SellerItem, StatusItem
from crawler.signals import items_storing, listings_stored
from crawler.urls import BadURL, canonical_url
from rules.identifiers import extract_identifiers

logger = logging.getLogger(__name__)
JAKARTA = ZoneInfo("Asia/Jakarta")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")
_SPACES = re.compile(r"[ \t\xa0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(text: str | None, limit: int) -> str:
    """Crawled text made safe to store and compare: NFC, no control characters, tidy spaces."""
    text = unicodedata.normalize("NFC", text or "")[: limit * 2]
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()[:limit]


def parse_price(value: float | str | None) -> float | None:
    """`Rp 73.000`, `73000`, `73.000,50` -> 73000.0 (Indonesian thousands dots)."""
    if value is None or isinstance(value, int | float):
        return float(value) if value is not None else None
    text = re.sub(r"[^\d.,]", "", value)
    if not text:
        return None
    if "," in text and text.rfind(",") > text.rfind("."):
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1 or re.search(r"\.\d{3}$", text):
        text = text.replace(".", "").replace(",", "")
    else:
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


class NormalizePipeline:
    """Canonical URLs, clean bounded text, numeric prices, seller identifiers."""

    def process_item(self, item, spider=None):
        if isinstance(item, StatusItem):
            return item
        if isinstance(item, SellerItem):
            return self._seller(item)
        try:
            item.url = canonical_url(item.url)
            item.seller_url = canonical_url(item.seller_url) if item.seller_url else ""
        except BadURL as error:
            raise DropItem(str(error)) from None
        item.title = clean_text(item.title, listing_service.MAX_TITLE)
        item.description = clean_text(item.description, listing_service.MAX_DESCRIPTION)
        item.seller_name = clean_text(item.seller_name, 300)
        item.seller_location = clean_text(item.seller_location, 200)
        item.seller_text = clean_text(item.seller_text, 5_000)
        item.price = parse_price(item.price)
        item.images = [url for url in item.images if url.startswith(("http://", "https://"))][:20]
        text = "\n".join((item.description, item.seller_text))
        item.identifiers = [(i.kind, i.value) for i in extract_identifiers(text)]
        return item

    def _seller(self, item: SellerItem) -> SellerItem:
        try:
            item.url = canonical_url(item.url)
        except BadURL as error:
            raise DropItem(str(error)) from None
        item.name = clean_text(item.name, 300)
        item.location = clean_text(item.location, 200)
        item.text = clean_text(item.text, 5_000)
        item.identifiers = [(i.kind, i.value) for i in extract_identifiers(item.text)]
        return item


def to_record(item: ListingItem) -> ListingRecord:
    seller = None
    if item.seller_name or item.seller_url:
        seller = SellerRecord(
            platform=item.platform,
            name=item.seller_name,
            url=item.seller_url,
            location=item.seller_location,
            identifiers=tuple(item.identifiers),
        )
    return ListingRecord(
        url=item.url,
        platform=item.platform,
        title=item.title,
        description=item.description,
        price=item.price,
        currency=item.currency,
        external_id=item.external_id,
        images=tuple(item.images),
        seller=seller,
        read_by=item.source or None,
    )


class RulesPipeline:
    """The rules' verdict for every listing, with the registry as the casebook holds it."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.matcher: Matcher | None = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings["PATROLI_DATABASE_URL"])

    def open_spider(self, spider=None):
        engine = make_engine(self.database_url)
        started = time.perf_counter()
        with make_session_factory(engine)() as session:
            self.matcher = Matcher.from_session(session)
        engine.dispose()
        logger.info("rules ready in %.1fs (catalogue %s)", time.perf_counter() - started,
                    self.matcher.version)  # fmt: skip

    def process_item(self, item, spider=None):
        if isinstance(item, ListingItem):
            today = datetime.now(JAKARTA).date()
            item.verdict = self.matcher.check(to_record(item), today=today)
        return item


class CasebookPipeline:
    """Stores listings, verdicts, captures and re-check results in batches.

    A batch is written in a thread, one batch at a time: a write takes 0.2-0.6 s, and on the
    event loop it would hold back every request meanwhile (one granted by the shared limiter
    just before would reach its server late, next to the one granted after it). What touches
    Scrapy (stats, `listings_stored`, which settles the batch's requests) happens back on the
    event loop once the batch is durable, as before."""

    def __init__(self, crawler, database_url: str, batch_size: int, flush_seconds: float):
        self.crawler, self.batch_size, self.flush_seconds = crawler, batch_size, flush_seconds
        self.engine = make_engine(database_url)
        self.sessions = make_session_factory(self.engine)
        self.batch: list = []
        self.last_flush = time.monotonic()
        self.stored = 0
        self.writes = DeferredLock()  # one batch at a time, in the order they were cut
        self.writing = 0  # batches cut and not yet recorded

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(
            crawler,
            settings["PATROLI_DATABASE_URL"],
            settings.getint("PATROLI_BATCH_SIZE", 50),
            settings.getfloat("PATROLI_FLUSH_SECONDS", 2.0),
        )
        crawler.signals.connect(pipeline.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(pipeline.storing, signal=items_storing)
        return pipeline

    async def process_item(self, item, spider=None):
        self.batch.append(item)
        due = time.monotonic() - self.last_flush >= self.flush_seconds
        if len(self.batch) >= self.batch_size or due:
            # The item that fills a batch waits for its write: the scraper counts it active
            # meanwhile (the spider is not idle) and takes on no more than it can store.
            await maybe_deferred_to_future(self.flush())
        return item

    async def close_spider(self, spider=None):
        try:
            await maybe_deferred_to_future(self.flush().addErrback(self._write_failed))
            await maybe_deferred_to_future(self.writes.run(lambda: None))  # the last write
        finally:
            self.engine.dispose()

    def spider_idle(self, spider=None) -> None:
        """Nothing else to do: store what waits; the spider stays open until it is stored
        (its requests settle only then, and may still be given back to the queue)."""
        if self.batch:
            self.flush().addErrback(self._write_failed)
        if self.writing:
            raise DontCloseSpider

    def storing(self, **kwargs) -> bool:
        """Answers `items_storing`: items are on their way to the casebook, not lost."""
        return bool(self.batch) or self.writing > 0

    def flush(self, *args, **kwargs) -> Deferred:
        """Cut the batch and queue its write; fires once it is durable and recorded."""
        batch, self.batch = self.batch, []
        self.last_flush = time.monotonic()
        if not batch:
            return succeed(None)
        self.writing += 1
        written = self.writes.run(deferToThread, self.write, batch)
        written.addCallback(self._recorded, batch)
        return written.addBoth(self._written)

    def write(self, batch: list) -> Counter:
        """Store a batch, in one transaction, then link its sellers into actors; in the
        caller's thread (the write thread, in a crawl). Returns the stats to add: Scrapy's
        stats and signals are the event loop's (see `flush`)."""
        plan_id = getattr(self.crawler.spider, "plan_id", None)
        listings = [i for i in batch if isinstance(i, ListingItem)]
        checks = [i for i in batch if isinstance(i, StatusItem)]
        sellers = [i for i in batch if isinstance(i, SellerItem)]
        counts: Counter = Counter()
        started = datetime.now(UTC)  # identifiers first seen from here on are this batch's
        with self.sessions() as session, session.begin():
            seen = listing_service.record_sellers(
                session, [self._seller_record(i) for i in sellers]
            )
            ids = self._store_listings(session, listings, plan_id, counts)
            self._store_checks(session, checks, counts)
            captures = [(i.capture, ids.get(i.url)) for i in listings if i.capture]
            captures += [(i.capture, i.listing_id) for i in checks if i.capture]
            captures += [(i.capture, None) for i in sellers if i.capture]
            evidence_service.record_captures(session, captures)
            seller_ids = {s.id for s in seen.values()}
            seller_ids |= profiling.sellers_of_listings(session, ids.values())
            seller_ids = profiling.sellers_to_relink(session, seller_ids, since=started)
        counts.update(self._relink(seller_ids))
        return counts

    def _recorded(self, counts: Counter, batch: list) -> None:
        """Back on the event loop, the batch durable: its stats, and its requests settle."""
        stats = self.crawler.stats
        for key, value in counts.items():
            stats.inc_value(key, value)
        self.stored += len(batch)
        stats.set_value("patroli/stored", self.stored)
        self.crawler.signals.send_catch_log(
            listings_stored, fingerprints=[i.request_fingerprint for i in batch]
        )

    def _written(self, result):
        self.writing -= 1
        if not self.writing:  # the engine looks again now, not at its next 5 s heartbeat
            try:
                slot = self.crawler.engine._slot
            except (RuntimeError, AttributeError):  # no engine: not a crawl (a test's pipeline)
                slot = None
            if slot is not None and slot.closing is None:
                slot.nextcall.schedule()
        return result

    @staticmethod
    def _write_failed(failure) -> None:
        # Its requests stay unsettled: retried on resume (durable frontier) or given back to
        # the shared queue once; the log says why.
        logger.error("storing a batch failed", exc_info=failure_to_exc_info(failure))

    def _relink(self, seller_ids: set[int]) -> Counter:
        """Link the batch's sellers into actors, once the batch is stored: a failure here loses
        no listing, and the next relink (`patroli actors relink`) catches up."""
        if not seller_ids:
            return Counter()
        for attempt in (1, 2):
            try:
                with self.sessions() as session, session.begin():
                    result = profiling.relink(session, actor="crawler", seller_ids=seller_ids)
                    # The actors these sellers joined get a current score (lists sort by it).
                    actor_profile.refresh_risk(
                        session, actor_profile.actors_of_sellers(session, seller_ids)
                    )
                break
            except IntegrityError:  # another crawl worker linked them at that moment: read again
                if attempt == 2:
                    logger.exception("linking %d sellers into actors failed", len(seller_ids))
                    return Counter()
            except Exception:  # a crawl must go on; the log says what went wrong
                logger.exception("linking %d sellers into actors failed", len(seller_ids))
                return Counter()
        return Counter({
            "patroli/actors_created": len(result.created),
            "patroli/actors_merged": len(result.merged),
            "patroli/link_suggestions": result.suggested,
        })  # fmt: skip

    @staticmethod
    def _store_listings(session, items: list[ListingItem], plan_id, counts) -> dict[str, int]:
        if not items:
            return {}
        result = listing_service.record_listings(
            session, [(to_record(item), item.verdict) for item in items]
        )
        counts["patroli/listings_added"] += result.added
        counts["patroli/listings_changed"] += result.changed
        counts["patroli/listings_with_hits"] += sum(1 for i in items if i.verdict.hits)
        if plan_id is not None:  # the plan's unit (an UPT) reads what its patrol found
            access.claim_plan_listings(session, plan_id, result.listing_ids.values())
        return result.listing_ids

    @staticmethod
    def _seller_record(item: SellerItem) -> SellerRecord:
        return SellerRecord(
            platform=item.platform,
            name=item.name,
            url=item.url,
            location=item.location,
            identifiers=tuple(item.identifiers),
        )

    @staticmethod
    def _store_checks(session, items: list[StatusItem], counts: Counter) -> None:
        if items:
            results = [
                rechecks.RecheckResult(i.listing_id, i.status, i.reason, i.http_status)
                for i in items
            ]
            tally = rechecks.record_rechecks(session, results)
            counts["patroli/status_changed"] += tally.changed
            for item in items:
                counts[f"patroli/recheck/{item.status}"] += 1
