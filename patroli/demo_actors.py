"""The demo's profiling (SOP step 7), so the Actors pages have content: the crawled accounts
linked into actors, one suggestion confirmed and one rejected (the analyst reads the world's
truth off the demo: a suggestion joining one actor's accounts is confirmed, a look-alike name is
rejected), the Dokumen profiling of the actor with the widest footprint, and a Rekomendasi
Pelaku about that actor to Dit. Intelijen, sent today. Run again, it adds nothing twice."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import func, select

from casebook.config import Config
from casebook.letters import office
from casebook.models import Actor, ActorAccount, Letter, LinkSuggestion, Seller
from casebook.services import actor_profile, letters, profiling, profiling_docs
from patroli.wiring import Casebook

ANALYST = "analis"
REFERRAL_TO = "dit_intelijen"
DOCUMENTS = Path("reports") / "profiling"  # where make_profiling_document puts its files


def profile_actors(casebook: Casebook, config: Config, world, today: date, step: Callable) -> None:
    with casebook.sessions() as session, session.begin():
        result = profiling.relink(session, actor=ANALYST)
        scored = actor_profile.refresh_risk_of_offenders(session)  # the list sorts by risk
    step(f"Profiling: accounts linked into actors ({_said(result)}; {scored} risk-scored)")
    for line in decide_suggestions(casebook, truth_of(casebook, world)):
        step(line)
    actor_id = widest_actor(casebook)
    if actor_id is None:
        step("Profiling: no actor runs more than one account; no document made")
        return
    with_pdf = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
    settings = office.load(config.data_dir)
    document = _document(casebook, config, actor_id, settings, with_pdf)
    if document:
        step(f"Dokumen profiling of actor {actor_id}: {document}")
    referral = _refer(casebook, actor_id, settings, today, with_pdf)
    if referral:
        step(f"Rekomendasi Pelaku about actor {actor_id}: {referral}")


def accounts_in_world(casebook: Casebook, world) -> dict[int, object]:
    """Casebook seller id -> the demo world's seller it is (by platform and shop path)."""
    by_path = {(s.platform, s.path.rstrip("/")): s for s in world.sellers}
    with casebook.sessions() as session:
        rows = session.execute(select(Seller.id, Seller.platform, Seller.url, Seller.key)).all()
    found = {}
    for seller_id, platform, url, key in rows:
        path = urlsplit(url or key).path.rstrip("/")
        if (platform, path) in by_path:
            found[seller_id] = by_path[(platform, path)]
    return found


def truth_of(casebook: Casebook, world) -> dict[int, str]:
    """Casebook seller id -> the demo world's actor behind it (the ground truth)."""
    return {seller_id: s.actor for seller_id, s in accounts_in_world(casebook, world).items()}


def decide_suggestions(casebook: Casebook, truth: Mapping[int, str]) -> list[str]:
    """Confirm one pending suggestion that truly is one actor, reject one that is not; once
    (a casebook with a decided suggestion has had its demo decisions)."""
    said = []
    with casebook.sessions() as session, session.begin():
        decided = session.scalar(
            select(func.count(LinkSuggestion.id)).where(LinkSuggestion.status != "pending")
        )
        if decided:
            return said
        pending = session.scalars(
            select(LinkSuggestion).where(LinkSuggestion.status == "pending")
            .order_by(LinkSuggestion.score.desc(), LinkSuggestion.id)
        ).all()  # fmt: skip
        same = [s for s in pending if _same(truth, s)]
        apart = [s for s in pending if _apart(truth, s)]
        if same:
            profiling.confirm_suggestion(session, same[0].id, actor=ANALYST)
            said.append(f"suggestion {same[0].id} confirmed: {', '.join(same[0].reasons)}")
        if apart:
            profiling.reject_suggestion(session, apart[0].id, actor=ANALYST)
            said.append(f"suggestion {apart[0].id} rejected: {', '.join(apart[0].reasons)}")
    return said


def _same(truth: Mapping[int, str], s: LinkSuggestion) -> bool:
    a, b = truth.get(s.seller_a_id), truth.get(s.seller_b_id)
    return a is not None and a == b


def _apart(truth: Mapping[int, str], s: LinkSuggestion) -> bool:
    a, b = truth.get(s.seller_a_id), truth.get(s.seller_b_id)
    return a is not None and b is not None and a != b


def widest_actor(casebook: Casebook) -> int | None:
    """The actor on the most platforms, then with the most accounts (lowest id on a tie)."""
    with casebook.sessions() as session:
        row = session.execute(
            select(ActorAccount.actor_id)
            .join(Seller, Seller.id == ActorAccount.seller_id)
            .join(Actor, Actor.id == ActorAccount.actor_id)
            .where(Actor.merged_into_id.is_(None))
            .group_by(ActorAccount.actor_id)
            .having(func.count(ActorAccount.seller_id) > 1)
            .order_by(func.count(func.distinct(Seller.platform)).desc(),
                      func.count(ActorAccount.seller_id).desc(), ActorAccount.actor_id)
            .limit(1)
        ).first()  # fmt: skip
    return row[0] if row else None


def _document(casebook: Casebook, config: Config, actor_id: int, settings, with_pdf: bool) -> str:
    """The actor's Dokumen profiling, unless the demo made it before (made again, the files
    would be replaced under a new number)."""
    if (config.data_dir / DOCUMENTS / f"actor-{actor_id}").exists():
        return ""
    with casebook.sessions() as session, session.begin():
        made = profiling_docs.make_profiling_document(
            session, actor_id=actor_id, actor=ANALYST, office=settings, with_pdf=with_pdf
        )
    return f"{made.number}, {', '.join(sorted(made.files))} in {made.folder}"


def _refer(casebook: Casebook, actor_id: int, settings, today: date, with_pdf: bool) -> str:
    with casebook.sessions() as session, session.begin():
        if session.scalar(select(Letter.id).where(Letter.actor_id == actor_id).limit(1)):
            return ""
        letter = profiling_docs.refer_actor(session, actor_id, REFERRAL_TO, actor=ANALYST,
                                            office=settings, with_pdf=with_pdf)  # fmt: skip
        letters.mark_sent(session, letter.id, today, actor=ANALYST,
                          platform_hours=settings.platform_hours,
                          follow_up_days=settings.follow_up_days)  # fmt: skip
        return f"{letter.number} -> {letter.recipient}, sent"


def _said(result) -> str:
    fields = getattr(result, "__dataclass_fields__", None)
    if not fields:
        return str(result)
    return ", ".join(f"{name} {getattr(result, name)}" for name in fields
                     if isinstance(getattr(result, name), int))  # fmt: skip
