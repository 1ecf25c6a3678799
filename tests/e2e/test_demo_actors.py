"""The demo's profiling step after a crawl of all three demo platforms (the social site through
Chromium, logged in as `patroli demo` does): the accounts the demo world gives one actor come
out as one casebook actor, look-alike names of unrelated shops do not, one suggestion is
decided each way, and the Dokumen profiling and the Rekomendasi Pelaku read back."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import docx
import pytest
from sqlalchemy import select

from casebook import config as config_module
from casebook.models import Actor, ActorAccount, Letter, LinkSuggestion, Seller
from patroli import demo_actors, demo_walk
from patroli.commands import demo as demo_command
from patroli.crawling import run_spiders
from patroli.demo import DemoMarketplace, build_world
from patroli.wiring import Casebook, open_casebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

EPHEMERAL = {"pasarku": ("127.0.0.1", 0), "tokosehat": ("127.0.0.2", 0),
             "ceritaku": ("127.0.0.3", 0)}  # fmt: skip
WORLD = build_world()


def _world_pairs() -> list[tuple[str, str, str, bool]]:
    """(why, seller a, seller b, one actor?): every pair of one actor's accounts on two
    platforms beside the decoys, unrelated single shops whose names look alike."""
    accounts = defaultdict(list)
    for seller in WORLD.sellers:
        accounts[seller.actor].append(seller)
    pairs = [
        (f"{a.actor} on {a.platform} and {b.platform}", a.id, b.id, True)
        for group in accounts.values()
        for a, b in itertools.combinations(group, 2)
        if a.platform != b.platform
    ]
    singles = [s for s in WORLD.sellers if len(accounts[s.actor]) == 1]
    pairs += [
        (f"decoy {a.shop_name!r} / {b.shop_name!r}", a.id, b.id, False)
        for a, b in itertools.permutations(singles, 2)
        if a.platform == "pasarku" and b.platform != "pasarku"
        and b.shop_name.startswith(a.shop_name)
    ]  # fmt: skip
    return pairs


PAIRS = _world_pairs()
DECOYS = [pair for pair in PAIRS if not pair[3]]


@dataclass
class Profiled:
    casebook: Casebook
    data_dir: Path
    truth: dict[int, str]  # casebook seller id -> world actor
    by_world_id: dict[str, int]  # world seller id -> casebook seller id
    steps: list[str]


@pytest.fixture(scope="module")
def profiled(tmp_path_factory) -> Iterator[Profiled]:
    folder = tmp_path_factory.mktemp("demo-actors")
    config = config_module.load({"PATROLI_DATA_DIR": str(folder), "PATROLI_ALLOW_PRIVATE": "1",
                                 "PATROLI_SECRET_KEY": "demo-actors"})  # fmt: skip
    casebook = open_casebook(migrate=True, config=config)
    demo_walk.load_registry(casebook, demo_command.DEMO_DATA, demo_command.step)
    plan_id = demo_command._demo_plan_and_users(casebook)
    steps: list[str] = []
    with DemoMarketplace(WORLD, EPHEMERAL) as market:
        demo_command._log_in_to_ceritaku(config, market.base_urls["ceritaku"])
        run_spiders(config, demo_command._spider_runs(plan_id, market.base_urls),
                    demo_command.DEMO_CRAWL_SETTINGS)  # fmt: skip
        demo_actors.profile_actors(casebook, config, WORLD, date(2026, 12, 1), steps.append)
    accounts = demo_actors.accounts_in_world(casebook, WORLD)
    truth = {seller_id: seller.actor for seller_id, seller in accounts.items()}
    by_world_id = {seller.id: seller_id for seller_id, seller in accounts.items()}
    yield Profiled(casebook, folder, truth, by_world_id, steps)


def actor_of(profiled: Profiled) -> dict[int, int]:
    """Casebook seller id -> its actor (the one it was merged into, if any)."""
    with profiled.casebook.sessions() as session:
        merged = dict(session.execute(select(Actor.id, Actor.merged_into_id)).all())
        rows = session.execute(select(ActorAccount.seller_id, ActorAccount.actor_id)).all()
    found = {}
    for seller_id, actor_id in rows:
        while merged.get(actor_id):
            actor_id = merged[actor_id]
        found[seller_id] = actor_id
    return found


def test_the_crawl_reached_most_accounts_and_every_platform(profiled):
    crawled = {WORLD.seller(w).platform for w in profiled.by_world_id}
    assert crawled == {"pasarku", "tokosehat", "ceritaku"}
    assert len(profiled.truth) >= 0.8 * len(WORLD.sellers)


def test_actors_match_the_demo_worlds_truth_pairwise(profiled):
    actors = actor_of(profiled)
    sellers = sorted(profiled.truth)
    predicted = [actors.get(s, -s) for s in sellers]
    truth = [profiled.truth[s] for s in sellers]
    both = linked = true = 0
    for i, j in itertools.combinations(range(len(sellers)), 2):
        same_actor, same_truth = predicted[i] == predicted[j], truth[i] == truth[j]
        linked += same_actor
        true += same_truth
        both += same_actor and same_truth
    assert true >= 10  # the crawl saw shared sellers at all
    assert both / max(linked, 1) >= 0.95, (both, linked)
    assert both / true >= 0.9, (both, true)


@pytest.mark.parametrize("why, a, b, together", PAIRS, ids=[p[0] for p in PAIRS])
def test_a_pair_of_the_world_is_one_actor_or_two(profiled, why, a, b, together):
    if a not in profiled.by_world_id or b not in profiled.by_world_id:
        pytest.skip(f"the crawl did not reach {a} and {b}")
    actors = actor_of(profiled)
    first, second = (actors.get(profiled.by_world_id[x]) for x in (a, b))
    assert (first is not None and first == second) is together, why


def test_the_decoys_were_crawled(profiled):
    assert len(DECOYS) == 2
    reached = [d for d in DECOYS if d[1] in profiled.by_world_id and d[2] in profiled.by_world_id]
    assert reached, "no decoy pair was crawled: the decoy rows above prove nothing"


def test_the_analysts_decisions_follow_the_truth(profiled):
    """The demo links every shared account by its identifiers, so its suggestions are
    look-alikes: one is rejected (and stays two actors); a confirmation, if the demo found a
    true pair to confirm, joined one actor's accounts."""
    with profiled.casebook.sessions() as session:
        decided = session.execute(
            select(LinkSuggestion.status, LinkSuggestion.seller_a_id, LinkSuggestion.seller_b_id)
            .where(LinkSuggestion.status != "pending")
        ).all()  # fmt: skip
    statuses = sorted(status for status, _, _ in decided)
    assert statuses in (["rejected"], ["confirmed", "rejected"]), statuses
    actors = actor_of(profiled)
    for status, a, b in decided:
        one_actor = actors.get(a) is not None and actors.get(a) == actors.get(b)
        assert (profiled.truth[a] == profiled.truth[b]) is (status == "confirmed")
        assert one_actor is (status == "confirmed")


def test_the_profiling_document_reads_back(profiled):
    made = sorted(profiled.data_dir.rglob("*.docx"))
    documents = [p for p in made if "profiling" in str(p).lower()]
    assert documents, [str(p) for p in made]
    text = "\n".join(p.text for p in docx.Document(str(documents[0])).paragraphs)
    tables = "\n".join(cell.text for table in docx.Document(str(documents[0])).tables
                       for row in table.rows for cell in row.cells)  # fmt: skip
    actor_id = demo_actors.widest_actor(profiled.casebook)
    with profiled.casebook.sessions() as session:
        names = session.scalars(select(Seller.name).join(
            ActorAccount, ActorAccount.seller_id == Seller.id
        ).where(ActorAccount.actor_id == actor_id)).all()  # fmt: skip
    assert "Profiling" in text or "PROFILING" in text.upper()
    assert any(name in text + tables for name in names), names


def test_the_referral_went_to_dit_intelijen(profiled):
    with profiled.casebook.sessions() as session:
        referrals = session.scalars(select(Letter).where(Letter.actor_id.is_not(None))).all()
    assert [(x.kind, x.recipient, x.list_id, x.status) for x in referrals] == [
        ("rekomendasi_pelaku", "dit_intelijen", None, "sent")
    ]
    assert referrals[0].actor_id == demo_actors.widest_actor(profiled.casebook)


def test_a_second_profiling_adds_nothing(profiled):
    def counts():
        with profiled.casebook.sessions() as session:
            return [len(session.scalars(select(model)).all())
                    for model in (Actor, ActorAccount, LinkSuggestion, Letter)]  # fmt: skip

    before = counts()
    config = config_module.load({"PATROLI_DATA_DIR": str(profiled.data_dir),
                                 "PATROLI_SECRET_KEY": "demo-actors"})  # fmt: skip
    demo_actors.profile_actors(profiled.casebook, config, WORLD, date(2026, 12, 1), lambda m: None)
    assert counts() == before
