"""REST API v1, offender profiling, over a real SQLite casebook whose seller accounts the
casebook's own linker joined into actors (conftest `profiled`): lists and profiles by who may see
them, filters and pages, then — in file order, on the same casebook — the suggestion queue,
merge and split, the stoplist, relinking, referrals and the Dokumen profiling read back."""

from __future__ import annotations

import io

import pytest
from docx import Document
from sqlalchemy import select

from casebook.models import AuditEvent
from casebook.services import profiling

SEHAT = {"sehat1", "sehat2", "sehat3"}  # conftest ACCOUNTS: one actor through phone, e-mail


def _error(answer, status: int) -> str:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert set(answer.json) == {"error"} and answer.json["error"]["message"]
    return answer.json["error"]["code"]


def _ok(answer, status: int = 200) -> dict:
    assert answer.status_code == status, answer.get_data(as_text=True)
    return answer.json


def _names(answer) -> set[str]:
    return {item["name"] for item in _ok(answer)["items"]}


def _ids(answer) -> set[int]:
    return {item["id"] for item in _ok(answer)["items"]}


def _actors(world, keys) -> set[int]:
    """The actors of these accounts now."""
    with world.sessions() as session:
        return {profiling.actor_of_seller(session, world.ids[k]) for k in keys}


def _sellers(world, keys) -> set[int]:
    return {world.ids[k] for k in keys}


def _profile(world, name: str, who: str = "analis") -> dict:
    return _ok(world.call("GET", f"/actors/{world.ids[name]}", who))


def _audited(world, action: str) -> list[AuditEvent]:
    with world.sessions() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# -- reading: who sees which actor -------------------------------------------------------------


@pytest.mark.parametrize(
    "who, seen, unseen",
    [
        ("analis", {"sehat1", "murni1", "decoy1"}, set()),
        ("tamu", {"sehat1", "murni1", "decoy1"}, set()),  # Dit. Siber's viewer reads all
        ("upt", {"sehat1"}, {"murni1", "decoy1"}),  # through the one listing it reads
        ("was", set(), {"sehat1", "murni1"}),  # another unit's, with no listing of theirs
    ],
)
def test_actors_by_who_may_see_them(profiled, who, seen, unseen):
    """Accounts named by their seller key; each stands for its actor."""
    shown = _ids(profiled.call("GET", "/actors", who, query_string={"limit": 500}))
    assert _actors(profiled, seen) <= shown and not _actors(profiled, unseen) & shown
    for key in seen | unseen:
        (actor_id,) = _actors(profiled, {key})
        answer = profiled.call("GET", f"/actors/{actor_id}", who)
        if key in seen:
            assert answer.json["id"] == actor_id
        else:
            assert _error(answer, 404) == "not_found"  # as a missing one: ids cannot be probed


def test_the_profile_shows_the_evidence_joining_the_accounts(profiled):
    found = _profile(profiled, "sehat")
    ids = profiled.ids
    assert {a["seller_id"] for a in found["accounts"]} == _sellers(profiled, SEHAT)
    assert {a["how"] for a in found["accounts"]} == {"auto"}
    joining = {(i["kind"], i["value"]): set(i["seller_ids"]) for i in found["identifiers"]
               if i["joins"]}  # fmt: skip
    assert joining == {("phone", "+6281377788899"): {ids["sehat1"], ids["sehat2"]},
                       ("email", "sehat@contoh.id"): {ids["sehat2"], ids["sehat3"]}}  # fmt: skip
    per_type = {v["type"]: v["listings"] for v in found["violations"]}
    assert per_type == {"prescription_drug": 2, "hazardous_ingredient": 1}
    assert {p["platform"] for p in found["platforms"]} == {"pasarku", "sosmed", "tokosehat"}
    assert found["risk_score"] == sum(r["points"] for r in found["risk_reasons"]) > 0
    assert all(r["text"]["id"] and r["text"]["en"] for r in found["risk_reasons"])
    assert found["first_seen"].endswith("Z") and found["merged_into"] is None
    assert found["takedowns"]["listed"] == 0 and found["referrals"] == []


@pytest.mark.parametrize("who, shown", [("analis", True), ("tamu", True), ("upt", False)])
def test_a_profile_shows_suggestions_only_with_actors_one_may_see(profiled, who, shown):
    """The decoy's actor is not the UPT's: a suggestion's reasons would name its shop."""
    decoy = profiled.ids["decoy2"]
    found = _profile(profiled, "sehat", who)["suggestions"]
    assert any(decoy in (s["seller_a_id"], s["seller_b_id"]) for s in found) is shown


@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ({"q": "murni"}, {"murni1", "decoy1"}, {"sehat1"}),
        ({"q": "Sehat Farma"}, {"sehat1"}, {"murni1", "decoy2"}),  # an account's name
        ({"q": "%"}, set(), {"sehat1", "murni1"}),  # a literal %, not a wildcard
        ({"q": "0813-7778-8899"}, {"sehat1"}, {"murni1", "decoy2"}),  # a phone, as written
        ({"q": "Sehat@Contoh.id"}, {"sehat1"}, {"murni1"}),  # an e-mail
        ({"q": "bca:1234567890"}, {"murni1"}, {"sehat1", "decoy1"}),
        ({"q": "0813-7778-8890"}, set(), {"sehat1"}),  # one digit off: nobody
        ({"platform": "sosmed"}, {"sehat1", "murni1"}, {"decoy1", "decoy2"}),
        ({"platform": "tokosehat"}, {"sehat1", "decoy1"}, {"murni1", "decoy2"}),
        ({"min_risk": "50"}, {"sehat1"}, {"murni1"}),
        ({"min_risk": "0"}, {"sehat1", "murni1", "decoy1"}, set()),
    ],
)
def test_actor_filters(profiled, query, shown, hidden):
    for name in ("sehat", "murni"):  # a profile caches the risk score min_risk reads
        _profile(profiled, name)
    found = _ids(profiled.call("GET", "/actors", "tamu", query_string={**query, "limit": 500}))
    assert _actors(profiled, shown) <= found and not _actors(profiled, hidden) & found


def test_actor_pages_walk_every_actor_once(profiled):
    everyone = [a["id"] for a in _ok(profiled.call("GET", "/actors", "tamu"))["items"]]
    walked, cursor = [], None
    while True:
        asked = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = _ok(profiled.call("GET", "/actors", "tamu", query_string=asked))
        walked += [a["id"] for a in page["items"]]
        assert len(page["items"]) <= 2
        if not (cursor := page["next_cursor"]):
            break
    assert walked == everyone and len(everyone) > 2


# Refusals that change nothing: (method, path, who, body, status, code).
# fmt: off
REFUSED = [
    ("GET", "/actors", None, None, 401, "unauthorized"),
    ("GET", "/actors?min_risk=high", "tamu", None, 400, "bad_request"),
    ("GET", "/actors?limit=0", "tamu", None, 400, "bad_request"),
    ("GET", "/actors/99999", "tamu", None, 404, "not_found"),
    ("GET", "/actor-suggestions?status=maybe", "tamu", None, 422, "invalid"),
    ("POST", "/actors/{sehat}/merge", "tamu", {"actor_ids": ["{murni}"]}, 403, "forbidden"),
    ("POST", "/actors/{sehat}/merge", "upt", {"actor_ids": ["{murni}"]}, 403, "forbidden"),
    ("POST", "/actors/{sehat}/merge", "analis", {"actor_ids": []}, 422, "invalid"),
    ("POST", "/actors/{sehat}/merge", "analis", {"actor_ids": ["{sehat}"]}, 422, "invalid"),
    ("POST", "/actors/{sehat}/merge", "analis", {"actor_ids": [99999]}, 404, "not_found"),
    ("POST", "/actors/99999/split", "analis", {"seller_ids": [1]}, 404, "not_found"),
    ("POST", "/actors/{sehat}/split", "analis", {"seller_ids": ["{murni1}"]}, 422, "invalid"),
    ("POST", "/actors/{sehat}/split", "analis",
     {"seller_ids": ["{sehat1}", "{sehat2}", "{sehat3}"]}, 422, "invalid"),  # all of them
    ("POST", "/actors/{sehat}/split", "analis", {"seller_ids": "1"}, 422, "invalid"),
    ("POST", "/actor-suggestions/99999/confirm", "analis", {}, 404, "not_found"),
    ("POST", "/actor-suggestions/{suggestion}/confirm", "tamu", {}, 403, "forbidden"),
    ("POST", "/actor-suggestions/{suggestion}/reject", "analis", {"reason": 5}, 422, "invalid"),
    ("GET", "/identifier-stoplist", "tamu", None, 403, "forbidden"),
    ("POST", "/identifier-stoplist", "upt",
     {"kind": "phone", "value": "0813", "reason": "x"}, 403, "forbidden"),
    ("POST", "/identifier-stoplist", "analis",
     {"kind": "fax", "value": "0813", "reason": "x"}, 422, "invalid"),
    ("POST", "/identifier-stoplist", "analis",
     {"kind": "phone", "value": "12", "reason": "x"}, 422, "invalid"),  # not a mobile number
    ("POST", "/identifier-stoplist", "analis",
     {"kind": "phone", "value": "0813-9991-1122"}, 422, "invalid"),  # no reason
    ("DELETE", "/identifier-stoplist/99999", "analis", None, 404, "not_found"),
    ("POST", "/actors/relink", "tamu", None, 403, "forbidden"),
    ("POST", "/actors/{sehat}/referrals", "analis", {"recipient": "idea"}, 422, "invalid"),
    ("POST", "/actors/{sehat}/referrals", "analis",
     {"recipient": "dit_was", "classification": "top"}, 422, "invalid"),
    ("POST", "/actors/99999/referrals", "analis", {"recipient": "dit_was"}, 404, "not_found"),
    ("POST", "/actors/{sehat}/documents", "upt", None, 403, "forbidden"),
    ("POST", "/profiling-documents", "analis", {"since": "2026-03-01"}, 422, "invalid"),
    ("POST", "/profiling-documents", "analis",
     {"since": "2026-03-09", "until": "2026-03-01"}, 422, "invalid"),  # ends before it starts
    ("GET", "/profiling-documents/actor-99999/docx", "analis", None, 404, "not_found"),
    ("GET", "/profiling-documents/..%2F..%2Fsecret/docx", "analis", None, 404, "not_found"),
]
# fmt: on


def _fill(world, value):
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return world.ids[value[1:-1]]
    if isinstance(value, str):
        for name, number in world.ids.items():
            value = value.replace("{" + name + "}", str(number))
        return value
    if isinstance(value, list):
        return [_fill(world, x) for x in value]
    if isinstance(value, dict):
        return {k: _fill(world, v) for k, v in value.items()}
    return value


@pytest.mark.parametrize("method, path, who, body, status, code", REFUSED)
def test_refusals_name_what_is_wrong(profiled, method, path, who, body, status, code):
    sent = {} if body is None else {"json": _fill(profiled, body)}
    answer = profiled.call(method, _fill(profiled, path), who, **sent)
    assert _error(answer, status) == code


# -- deciding (these change the casebook: they run in file order) -------------------------------


def test_suggestions_confirmed_and_rejected(profiled):
    ids = profiled.ids
    queue = _ok(profiled.call("GET", "/actor-suggestions", "tamu"))["items"]
    pairs = {frozenset((s["seller_a"]["seller_id"], s["seller_b"]["seller_id"])) for s in queue}
    assert pairs >= {frozenset((ids["decoy2"], ids["sehat1"]))}
    assert all(s["status"] == "pending" and s["reasons"] for s in queue)
    assert _ok(profiled.call("GET", "/actor-suggestions", "was"))["items"] == []

    first = f"/actor-suggestions/{ids['suggestion']}"
    confirmed = _ok(profiled.call("POST", f"{first}/confirm", json={"reason": "sama foto"}))
    assert (confirmed["status"], confirmed["decided_by"]) == ("confirmed", "analis")
    a, b = confirmed["seller_a"], confirmed["seller_b"]
    assert a["actor_id"] == b["actor_id"]  # one actor now
    assert _audited(profiled, "suggestion.confirm")[-1].after["reason"] == "sama foto"
    assert _error(profiled.call("POST", f"{first}/reject"), 409) == "conflict"

    second = f"/actor-suggestions/{ids['suggestion2']}"
    rejected = _ok(profiled.call("POST", f"{second}/reject"))  # no body: no reason
    assert rejected["status"] == "rejected"
    assert rejected["seller_a"]["actor_id"] != rejected["seller_b"]["actor_id"]
    done = _ok(profiled.call("GET", "/actor-suggestions", query_string={"status": "rejected"}))
    assert [s["id"] for s in done["items"]] == [ids["suggestion2"]]


def test_merge_then_split(profiled):
    ids = profiled.ids
    sehat, murni = ids["sehat"], ids["murni"]
    before = {a["seller_id"] for a in _profile(profiled, "sehat")["accounts"]}
    theirs = {a["seller_id"] for a in _profile(profiled, "murni")["accounts"]}
    assert theirs >= _sellers(profiled, {"murni1", "murni2"})
    merged = _ok(profiled.call("POST", f"/actors/{sehat}/merge",
                               json={"actor_ids": [murni], "reason": "satu rekening"}))  # fmt: skip
    assert {a["seller_id"] for a in merged["accounts"]} == before | theirs
    assert _profile(profiled, "murni")["merged_into"] == sehat  # superseded, never deleted
    listed = _ok(profiled.call("GET", "/actors", query_string={"q": "Murni"}))["items"]
    assert sehat in [a["id"] for a in listed] and murni not in [a["id"] for a in listed]
    again = profiled.call("POST", f"/actors/{sehat}/merge", json={"actor_ids": [murni]})
    assert _error(again, 409) == "conflict"  # merged away already
    again = profiled.call("POST", f"/actors/{murni}/split", json={"seller_ids": [ids["murni1"]]})
    assert _error(again, 409) == "conflict"

    body = {"seller_ids": sorted(theirs), "reason": "beda orang"}
    split = profiled.call("POST", f"/actors/{sehat}/split", json=body)
    new = _ok(split, 201)
    assert new["id"] not in (sehat, murni)
    assert {a["seller_id"] for a in new["accounts"]} == theirs
    assert {a["how"] for a in new["accounts"]} == {"split"}
    listed = _ok(profiled.call("GET", "/actors", query_string={"limit": 500}))["items"]
    cached = next(a["risk_score"] for a in listed if a["id"] == sehat)  # before a profile
    after = _profile(profiled, "sehat")
    assert {a["seller_id"] for a in after["accounts"]} == before
    assert cached == after["risk_score"] < merged["risk_score"]  # rescored by the split
    assert [e.target for e in _audited(profiled, "actor.merge")] == [f"actor:{sehat}"]
    assert [e.target for e in _audited(profiled, "actor.split")] == [f"actor:{sehat}"]


def test_stoplist_add_and_remove(profiled):
    written = {"kind": "phone", "value": "0813-7778-8899", "reason": "nomor CS marketplace"}
    stop = _ok(profiled.call("POST", "/identifier-stoplist", json=written), 201)
    assert (stop["value"], stop["added_by"], stop["removed_at"]) == (
        "+6281377788899",
        "analis",
        None,
    )
    assert _error(profiled.call("POST", "/identifier-stoplist", json=written), 409) == "conflict"
    listed = _ok(profiled.call("GET", "/identifier-stoplist"))["items"]
    assert [s["id"] for s in listed] == [stop["id"]]
    # the phone no longer joins: sehat1 has left the actor the e-mail still holds together
    ids = profiled.ids
    accounts = {a["seller_id"] for a in _profile(profiled, "sehat")["accounts"]}
    assert ids["sehat1"] not in accounts or ids["sehat2"] not in accounts

    removed = _ok(profiled.call("DELETE", f"/identifier-stoplist/{stop['id']}"))
    assert (removed["removed_by"], removed["removed_at"] is not None) == ("analis", True)
    assert _error(profiled.call("DELETE", f"/identifier-stoplist/{stop['id']}"), 409) == "conflict"
    assert _ok(profiled.call("GET", "/identifier-stoplist"))["items"] == []
    kept = _ok(profiled.call("GET", "/identifier-stoplist",
                             query_string={"include_removed": "true"}))["items"]  # fmt: skip
    assert [s["id"] for s in kept] == [stop["id"]]


def test_relink_answers_what_changed_and_keeps_decisions(profiled):
    first = _ok(profiled.call("POST", "/actors/relink"))
    assert first["full"] and first["accounts"] >= len(SEHAT) + 4
    second = _ok(profiled.call("POST", "/actors/relink"))
    assert (second["moved"], second["created"], second["merged"]) == (0, [], [])
    sehat1, murni1, murni2 = (_actors(profiled, {k}) for k in ("sehat1", "murni1", "murni2"))
    assert murni1 == murni2 != sehat1  # the split holds


def test_referral_is_a_letter_read_with_its_actor(profiled):
    sehat = profiled.ids["sehat"]
    letter = _ok(profiled.call("POST", f"/actors/{sehat}/referrals",
                               json={"recipient": "dit_intelijen"}), 201)  # fmt: skip
    assert (letter["kind"], letter["recipient"], letter["status"]) == (
        "rekomendasi_pelaku", "dit_intelijen", "draft")  # fmt: skip
    assert set(letter["files"]) == {"docx", "xlsx"}  # PDF off in tests (LibreOffice is slow)
    again = _ok(profiled.call("POST", f"/actors/{sehat}/referrals",
                              json={"recipient": "dit_intelijen"}), 201)  # fmt: skip
    assert again["id"] == letter["id"]  # the draft, not a second number
    assert [r["id"] for r in _profile(profiled, "sehat", "tamu")["referrals"]] == [letter["id"]]
    shown = _ok(profiled.call("GET", f"/letters/{letter['id']}", "upt"))  # read with its actor
    assert shown["number"] == letter["number"]
    assert _error(profiled.call("GET", f"/letters/{letter['id']}", "was"), 404) == "not_found"


def test_profiling_documents_read_back(profiled):
    sehat = profiled.ids["sehat"]
    made = _ok(profiled.call("POST", f"/actors/{sehat}/documents"), 201)
    assert made["actor_ids"] == [sehat] and set(made["files"]) == {"docx", "xlsx"}
    path = made["files"]["docx"].split("/api/v1", 1)[1]
    answer = profiled.call("GET", path)
    assert answer.status_code == 200 and answer.mimetype.endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(answer.get_data())).paragraphs)
    assert "Apotek Sehat" in text
    assert _error(profiled.call("GET", path.replace("/docx", "/pdf")), 404) == "not_found"
    assert _error(profiled.call("GET", path, "tamu"), 403) == "forbidden"

    march = {"since": "2026-03-01", "until": "2026-03-31"}
    period = _ok(profiled.call("POST", "/profiling-documents", json=march), 201)
    assert sehat in period["actor_ids"]
    sheet = profiled.call("GET", period["files"]["xlsx"].split("/api/v1", 1)[1])
    assert sheet.status_code == 200 and sheet.get_data()[:2] == b"PK"
    assert [e.target for e in _audited(profiled, "actor.document")] == [
        f"actor:{sehat}", "actors:2026-03-01_2026-03-31"]  # fmt: skip
