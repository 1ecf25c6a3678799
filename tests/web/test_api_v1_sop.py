"""REST API v1, the rest of the SOP, over a real SQLite casebook that has walked it (conftest
`sop`): plans and runs by unit, letters' links, responses and escalations, re-proposals, users,
tokens, audit, CSV imports, domain errors mapped by type, and the old /api paths moved."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from casebook.models import AuditEvent, TakedownLink
from casebook.services import takedown

SURABAYA = "Balai Besar POM di Surabaya"  # the `upt` user's unit (conftest)
HEADER = "nie,product_name,brand,category,registrant,form,issued_on,expires_on,status\n"


def _error(answer, status: int) -> str:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert set(answer.json) == {"error"} and answer.json["error"]["message"]
    return answer.json["error"]["code"]


def _names(answer) -> list[str]:
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return [item["name"] for item in answer.json["items"]]


# -- plans and runs ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, seen",
    [
        ("analis", ["Patroli Lebaran", "Patroli Surabaya"]),
        ("admin", ["Patroli Lebaran", "Patroli Surabaya"]),
        ("upt", ["Patroli Surabaya"]),  # its own unit's only
        ("was", []),  # a reviewer of Dit. Was: not its unit's
    ],
)
def test_plans_by_unit(shared, who, seen):
    assert _names(shared.call("GET", "/plans", who)) == seen
    for name, plan_id in (("Patroli Lebaran", shared.ids["Patroli Lebaran"]),
                          ("Patroli Surabaya", shared.ids["Patroli Surabaya"])):  # fmt: skip
        answer = shared.call("GET", f"/plans/{plan_id}", who)
        if name in seen:
            assert answer.json["name"] == name and answer.json["planning_due"]
        else:
            assert _error(answer, 404) == "not_found"  # another unit's answers as missing


def test_a_plan_goes_from_draft_to_closed(sop):
    plan = f"/plans/{sop.ids['Patroli Lebaran']}"
    assert _error(sop.call("POST", f"{plan}/activate"), 422) == "invalid"  # not approved yet
    assert _error(sop.call("POST", f"{plan}/approve", "upt"), 403) == "forbidden"
    approved = sop.call("POST", f"{plan}/approve").json
    assert (approved["status"], approved["approved_by"]) == ("approved", "analis")
    assert sop.call("POST", f"{plan}/activate").json["status"] == "active"
    assert sop.call("POST", f"{plan}/close").json["status"] == "closed"
    assert sop.call("GET", "/plans", "tamu", query_string={"status": "closed"}).json["items"]
    assert _error(sop.call("GET", "/plans", query_string={"status": "x"}), 422) == "invalid"


@pytest.mark.parametrize(
    "who, body, status, unit",
    [
        ("upt", {}, 201, SURABAYA),  # an UPT plans for itself
        ("upt", {"unit": SURABAYA, "classification": "terbatas"}, 201, SURABAYA),
        ("upt", {"unit": "Dit. Siber"}, 403, None),
        ("upt", {"unit": "Balai POM di Ambon"}, 403, None),
        ("upt", {"classification": "rahasia"}, 403, None),  # above its clearance
        ("analis", {"unit": "Balai POM di Ambon"}, 201, "Balai POM di Ambon"),
        ("analis", {"unit": "Kantor Pusat"}, 422, None),
        ("analis", {"keywords": []}, 422, None),
        ("analis", {"period_start": "2026-13-01"}, 422, None),
        ("tamu", {}, 403, None),
    ],
)
def test_who_may_make_a_plan_and_for_which_unit(sop, who, body, status, unit):
    answer = sop.call("POST", "/plans", who, json={"name": "Patroli baru",
                                                   "keywords": ["sibutramin"], **body})  # fmt: skip
    assert answer.status_code == status, answer.get_data(as_text=True)
    if unit:
        assert (answer.json["unit"], answer.json["status"]) == (unit, "draft")
        assert answer.json["name"] in _names(sop.call("GET", "/plans", who))


def test_runs_carry_their_figures_and_follow_their_plan(shared):
    (run,) = shared.call("GET", f"/plans/{shared.ids['Patroli Lebaran']}/runs", "tamu").json[
        "items"
    ]
    assert (run["spider"], run["site"], run["status"]) == ("marketplace", "pasarku", "finished")
    assert (run["pages"], run["stored"], run["failed"]) == (12, 5, 0)
    assert run["stats"]["response_received_count"] == 12
    assert shared.call("GET", f"/runs/{run['id']}", "tamu").json == run
    assert shared.call("GET", "/runs", "upt").json["items"] == []  # Dit. Siber's plan
    assert _error(shared.call("GET", f"/runs/{run['id']}", "upt"), 404) == "not_found"
    assert _error(shared.call("GET", "/runs/999"), 404) == "not_found"


# -- letters: links, responses, escalations; re-proposals --------------------------------------


def test_a_response_per_link(sop):
    letter = sop.ids["letter_idea"]
    assert (
        sop.call("POST", f"/letters/{letter}/sent", json={"sent_on": "2026-03-03"}).status_code
        == 200
    )
    links = sop.call("GET", f"/letters/{letter}/links", "tamu").json["items"]
    assert len(links) == 2 and {x["recipient"] for x in links} == {"idea"}
    first, second = (x["id"] for x in links)
    body = {"outcome": "partial", "received_on": "2026-03-05", "link_ids": [first]}
    (made,) = sop.call("POST", f"/letters/{letter}/responses", json=body).json["items"]
    assert (made["link_id"], made["outcome"], made["recorded_by"]) == (first, "partial", "analis")
    shown = {
        x["id"]: x["response"] for x in sop.call("GET", f"/letters/{letter}/links").json["items"]
    }
    assert shown == {first: "partial", second: None}
    assert sop.call("GET", f"/letters/{letter}", "tamu").json["responses"][0]["link_id"] == first
    stranger = {**body, "link_ids": [second + 1000]}
    assert _error(sop.call("POST", f"/letters/{letter}/responses", json=stranger), 422) == "invalid"
    early = {**body, "received_on": "2026-03-01"}  # before the letter went out
    assert _error(sop.call("POST", f"/letters/{letter}/responses", json=early), 422) == "invalid"
    assert _error(sop.call("POST", f"/letters/{letter}/responses", "tamu", json=body), 403)


@pytest.mark.parametrize("who, status", [("analis", 200), ("upt", 404), ("was", 404)])
def test_another_units_letter_answers_as_missing(shared, who, status):
    answer = shared.call("GET", f"/letters/{shared.ids['letter_idea']}/responses", who)
    assert answer.status_code == status


def test_escalation_stages_only_move_forward(sop):
    path = f"/letters/{sop.ids['letter_komdigi']}/escalations"
    st2 = sop.call("POST", path, json={"stage": "st2", "reached_on": "2026-03-10"})
    assert (st2.status_code, st2.json["stage"]) == (201, "st2")
    back = sop.call("POST", path, json={"stage": "st1", "reached_on": "2026-03-11"})
    assert "only move forward" in back.json["error"]["message"] and back.status_code == 422
    bad = sop.call("POST", path, json={"stage": "st1", "reached_on": "11/03/2026"})
    assert _error(bad, 422) == "invalid" and "reached_on" in bad.json["error"]["message"]
    assert [x["stage"] for x in sop.call("GET", path, "tamu").json["items"]] == ["st2"]


def test_links_still_up_after_the_deadline_are_proposed_again(sop):
    made = sop.call("POST", "/monitoring/reproposals")
    assert made.status_code == 201
    (proposed,) = made.json["items"]
    (link,) = proposed["links"]
    assert (link["listing_id"], link["recipient"], link["link_status"]) == (
        sop.ids["listing2"], "komdigi", "active")  # fmt: skip
    assert proposed["id"] != sop.ids["list"]
    again = sop.call("POST", "/monitoring/reproposals")
    assert (again.status_code, again.json) == (200, {"items": []})
    assert sop.call("POST", "/monitoring/reproposals", "upt").status_code == 403


# -- findings ----------------------------------------------------------------------------------


def test_summary_and_a_listings_findings(shared):
    summary = shared.call("GET", "/summary", "tamu").json
    assert (summary["listings"], summary["with_hits"]) == (5, 4)
    assert summary["by_code"]["no_nie"] == 2 and summary["by_platform"]["pasarku"] == 3
    found = shared.call("GET", f"/listings/{shared.ids['listing0']}/findings", "tamu").json
    assert sorted(x["type"] for x in found["current"]) == ["hazardous_ingredient", "no_nie"]
    assert found["past"] == [] and found["current"][0]["superseded_at"] is None
    assert _error(shared.call("GET", "/listings/999/findings"), 404) == "not_found"


# -- users and tokens --------------------------------------------------------------------------


def test_an_admin_manages_users(sop):
    body = {"username": "ani", "password": "sandi-ani-12", "role": "upt_officer",
            "unit": SURABAYA, "full_name": "Ani"}  # fmt: skip
    made = sop.call("POST", "/users", "admin", json=body).json
    assert (made["username"], made["role"], made["unit"], made["active"]) == (
        "ani", "upt_officer", SURABAYA, True)  # fmt: skip
    changed = sop.call("PATCH", "/users/ani", "admin", json={"role": "analyst", "unit": ""}).json
    assert (changed["role"], changed["unit"], changed["full_name"]) == ("analyst", "", "Ani")
    assert "ani" in [u["username"] for u in sop.call("GET", "/users", "admin").json["items"]]
    token = sop.call("POST", "/users/ani/tokens", "admin", json={"name": "skrip"}).json["token"]
    sop.tokens["ani"] = token
    assert sop.call("GET", "/plans", "ani").status_code == 200
    assert sop.call("PATCH", "/users/ani", "admin", json={"active": False}).json["active"] is False
    assert _error(sop.call("GET", "/plans", "ani"), 401) == "unauthorized"  # deactivated


@pytest.mark.parametrize(
    "body, status",
    [
        ({"username": "b", "password": "pendek", "role": "viewer"}, 422),
        ({"username": "b", "password": "sandi-baru-1", "role": "raja"}, 422),
        ({"username": "", "password": "sandi-baru-1", "role": "viewer"}, 422),
        ({"username": "tamu", "password": "sandi-baru-1", "role": "viewer"}, 409),
        ({"password": "sandi-baru-1", "role": "viewer"}, 422),
    ],
)
def test_bad_new_users_are_refused(shared, body, status):
    assert shared.call("POST", "/users", "admin", json=body).status_code == status


@pytest.mark.parametrize(
    "who, path, body, status",
    [
        ("admin", "/users/admin", {"active": False}, 409),  # not oneself
        ("admin", "/users/admin", {"role": "analyst"}, 409),  # not the last admin
        ("admin", "/users/tamu", {"active": "no"}, 422),
        ("admin", "/users/tamu", {"role": "raja"}, 422),
        ("admin", "/users/nobody", {"role": "viewer"}, 404),
        ("analis", "/users/tamu", {"role": "admin"}, 403),
    ],
)
def test_user_changes_that_are_refused(shared, who, path, body, status):
    assert shared.call("PATCH", path, who, json=body).status_code == status


def test_a_token_is_shown_once_and_revoked_by_its_owner(sop):
    made = sop.call("POST", "/tokens", "tamu", json={"name": "laporan mingguan"})
    assert made.status_code == 201 and made.json["token"].startswith("ptl_")
    sop.tokens["new"] = made.json["token"]
    assert sop.call("GET", "/summary", "new").status_code == 200
    listed = sop.call("GET", "/tokens", "tamu").json["items"]
    assert all("token" not in x for x in listed)  # shown once, when made
    assert {x["name"] for x in listed} == {"", "spare", "laporan mingguan"}
    assert _error(sop.call("DELETE", f"/tokens/{sop.ids['admin_token']}", "tamu"), 404)
    revoked = sop.call("DELETE", f"/tokens/{made.json['id']}", "tamu").json
    assert revoked["revoked_at"] and revoked["username"] == "tamu"
    assert _error(sop.call("GET", "/summary", "new"), 401) == "unauthorized"
    assert sop.call("DELETE", f"/tokens/{sop.ids['spare_token']}", "admin").status_code == 200
    assert _error(sop.call("DELETE", "/tokens/9999", "admin"), 404) == "not_found"
    assert _error(sop.call("GET", "/users/tamu/tokens", "tamu"), 403) == "forbidden"
    long_name = {"name": "x" * 101}
    assert _error(sop.call("POST", "/tokens", "tamu", json=long_name), 422) == "invalid"


# -- audit ---------------------------------------------------------------------------------------


def test_audit_pages_newest_first_and_filters(sop):
    seen, cursor = [], None
    while True:
        query = {"limit": 4} | ({"cursor": cursor} if cursor else {})
        page = sop.call("GET", "/audit", query_string=query).json
        seen += [event["seq"] for event in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) > 4
    assert seen[-1] == 1
    letters = sop.call("GET", "/audit", query_string={"action": "letter."}).json["items"]
    assert {e["action"] for e in letters} == {"letter.create", "letter.sent"}
    wanted = {"kind": "letter", "object_id": sop.ids["letter_komdigi"]}
    one = sop.call("GET", "/audit", query_string=wanted)
    assert {e["target"] for e in one.json["items"]} == {f"letter:{sop.ids['letter_komdigi']}"}
    assert sop.call("GET", "/audit", query_string={"actor": "nobody"}).json["items"] == []
    assert _error(sop.call("GET", "/audit", query_string={"since": "kemarin"}), 400)
    assert _error(sop.call("GET", "/audit", "upt"), 403) == "forbidden"


def test_audit_verify_names_an_edited_event(sop, sessions):
    check = sop.call("GET", "/audit/verify").json
    assert check["ok"] is True and check["breaks"] == [] and check["events"] > 5
    with sessions() as session, session.begin():
        session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(actor="mallory"))
    check = sop.call("GET", "/audit/verify").json
    assert check["ok"] is False
    assert [(b["seq"], b["reason"]) for b in check["breaks"]] == [
        (3, "edited: its content does not match its hash")]  # fmt: skip


# -- registry and warning imports ----------------------------------------------------------------


def _import(sop, text: str, path="/registry/import", **kwargs):
    return sop.call("POST", path, data=text.encode(), content_type="text/csv", **kwargs)


def test_a_registry_import_reports_each_bad_line_and_keeps_the_good_ones(sop):
    rows = (
        HEADER
        + "NA18201234567,Krim Siang,Cantik,kosmetik,PT Cantik,krim,2024-01-01,,valid\n"
        + "XX1,Krim Malam,Cantik,kosmetik,PT Cantik,krim,,,valid\n"
        + "TR123456789,Jamu Sehat,Sehat,obat_tradisional,PT Jamu,kapsul,,,valid\n"
        + "NA18201234568,Krim Sore,Cantik,kosmetik,PT Cantik,krim,,,hilang\n"
        + "NA18201234569,Krim Pagi\n"
    )
    first = _import(sop, rows, query_string={"filename": "cek-bpom.csv"})
    assert first.status_code == 200
    assert first.json == {
        "new": 2,
        "updated": 0,
        "unchanged": 0,
        "errors": [
            {"line": 3, "reason": "nie 'XX1' is not a well-formed NIE"},
            {"line": 5, "reason": "status 'hilang' is not one of valid, expired, revoked"},
            {"line": 6, "reason": "expected 9 fields, found 2"},
        ],
    }
    again = _import(sop, rows.replace("Jamu Sehat,Sehat", "Jamu Sehat,Sehat Sekali"))
    assert (again.json["new"], again.json["updated"], again.json["unchanged"]) == (0, 1, 1)
    actions = sop.call("GET", "/audit", query_string={"action": "registry.import"}).json["items"]
    assert actions[-1]["after"]["file"] == "cek-bpom.csv"


@pytest.mark.parametrize(
    "text, content_type, status, errors",
    [
        ("nie,brand\nNA18201234567,Cantik\n", "text/csv", 200,
         [{"line": 1, "reason": "header lacks column(s) product_name, category; expected "
                                "nie,product_name,brand,category,registrant,form,issued_on,"
                                "expires_on,status"}]),
        (HEADER, "text/csv; charset=utf-8", 200, []),
        (HEADER, "application/json", 400, None),
        (HEADER, "text/plain", 400, None),
    ],
)  # fmt: skip
def test_registry_import_header_and_content_type(shared, text, content_type, status, errors):
    answer = shared.call("POST", "/registry/import", data=text.encode(), content_type=content_type)
    assert answer.status_code == status, answer.get_data(as_text=True)
    if errors is not None:
        assert answer.json["errors"] == errors and answer.json["new"] == 0


def test_a_warnings_import(sop):
    text = ("product_name,brand,nie,category,hazard,published_on\n"
            "Krim X,Merek X,,kosmetik,merkuri,2026-01-05\n"
            "Krim Y,Merek Y,,kosmetik,merkuri,5 Januari\n")  # fmt: skip
    answer = _import(sop, text, path="/warnings/import")
    assert (answer.json["new"], [e["line"] for e in answer.json["errors"]]) == (1, [3])
    assert _error(_import(sop, text, path="/warnings/import", who="tamu"), 403) == "forbidden"


# -- domain errors by type, not by message -------------------------------------------------------


@pytest.mark.parametrize(
    "error, status, code",
    [
        # Messages the old message-sniffing handler would have read the other way round.
        (takedown.ListNotFound("register entries not decided takedown: 1"), 404, "not_found"),
        (takedown.EntryNotFound("already on an open takedown list"), 404, "not_found"),
        (takedown.NotDecidedTakedown("no takedown list 5"), 409, "conflict"),
        (takedown.AlreadyListed("no register entry 5"), 409, "conflict"),
        (takedown.TakedownError("no takedown list 5"), 422, "invalid"),
    ],
)
def test_takedown_errors_are_answered_by_their_type(shared, error, status, code):
    from web.api_v1 import bp

    app = shared.app
    view = app.view_functions["api_v1.summary"]

    def raising():
        raise error

    app.view_functions["api_v1.summary"] = raising  # the error handlers of the blueprint apply
    try:
        answer = shared.call("GET", "/summary", "tamu")
    finally:
        app.view_functions["api_v1.summary"] = view
    assert (answer.status_code, answer.json["error"]["code"]) == (status, code)
    assert answer.json["error"]["message"] == str(error) and bp.name == "api_v1"


@pytest.mark.parametrize(
    "entry, status, message",
    [
        (99999, 404, "no register entry 99999"),
        ("entry4", 409, "register entries not decided takedown"),
        ("listed", 409, "already on an open takedown list"),
    ],
)
def test_takedown_list_errors_through_the_api(shared, entry, status, message):
    if entry == "listed":
        with shared.sessions() as session:
            entry = session.scalar(select(TakedownLink.entry_id).limit(1))
    entry = shared.ids.get(entry, entry)
    answer = shared.call("POST", "/takedown-lists", json={"entry_ids": [entry]})
    assert answer.status_code == status and message in answer.json["error"]["message"]


# -- the old /api moved under /api/v1 -------------------------------------------------------------


@pytest.mark.parametrize(
    "old, new",
    [
        ("/api/listings", "/api/v1/listings"),
        ("/api/listings?code=no_nie&page=2", "/api/v1/listings?code=no_nie&page=2"),
        ("/api/listings/7", "/api/v1/listings/7"),
        ("/api/summary", "/api/v1/summary"),
    ],
)
def test_the_old_api_redirects_to_v1(shared, old, new):
    client = shared.app.test_client()
    answer = client.get(old)
    assert (answer.status_code, answer.location) == (308, new)
    headers = {"Authorization": f"Bearer {shared.tokens['tamu']}"}
    followed = client.get(old, headers=headers, follow_redirects=True)
    assert followed.status_code in (200, 404) and followed.request.path == new.split("?")[0]
    assert client.get("/api/nothing").status_code == 404


def test_a_plan_runs_now_as_a_job(sop):
    plan = f"/plans/{sop.ids['Patroli Lebaran']}"
    started = sop.call("POST", f"{plan}/run")
    assert started.status_code == 202 and started.location == started.json["job"]["url"]
    job = sop.call("GET", f"/jobs/{started.json['job']['id']}").json
    assert (job["kind"], job["args"], job["status"]) == (
        "crawl_plan", {"plan_id": sop.ids["Patroli Lebaran"]}, "queued")  # fmt: skip
    assert _error(sop.call("POST", f"{plan}/run", "upt"), 404) == "not_found"  # Dit. Siber's
    sop.call("POST", f"{plan}/close")
    closed = sop.call("POST", f"{plan}/run")
    assert _error(closed, 422) == "invalid" and "is closed" in closed.json["error"]["message"]


@pytest.mark.parametrize(
    "who, query, lists, letters",
    [
        ("analis", {}, ["list"], ["letter_idea", "letter_komdigi"]),
        ("tamu", {"status": "draft"}, ["list"], ["letter_idea"]),  # not verified yet
        ("analis", {"status": "sent"}, [], ["letter_komdigi"]),
        ("upt", {}, [], []),  # Dit. Siber's list and letters
    ],
)
def test_lists_and_letters_as_collections(shared, who, query, lists, letters):
    found = shared.call("GET", "/takedown-lists", who, query_string=query).json["items"]
    assert [x["id"] for x in found] == [shared.ids[name] for name in lists]
    shown = shared.call("GET", "/letters", who, query_string=query).json["items"]
    assert sorted(x["id"] for x in shown) == sorted(shared.ids[name] for name in letters)


def test_letters_page_by_cursor_and_list(shared):
    first = shared.call("GET", "/letters", query_string={"limit": 1}).json
    assert len(first["items"]) == 1 and first["next_cursor"]
    after = {"limit": 1, "cursor": first["next_cursor"]}
    second = shared.call("GET", "/letters", query_string=after).json
    assert second["items"][0]["id"] > first["items"][0]["id"]
    other = shared.call("GET", "/letters", query_string={"list_id": shared.ids["list"] + 99})
    assert other.json["items"] == []
    assert _error(shared.call("GET", "/letters", query_string={"list_id": "²"}), 400)


@pytest.mark.parametrize("chunked", [False, True], ids=["with a length", "chunked"])
@pytest.mark.parametrize(("extra_rows", "status"), [(0, 200), (40, 413)])
def test_an_import_past_the_cap_is_refused_whole(sop, chunked, extra_rows, status):
    row = "NA18201234567,Krim Siang,Cantik,kosmetik,PT Cantik,krim,2024-01-01,,valid\n"
    body = (HEADER + row * (1 + extra_rows)).encode()
    sop.app.config["PATROLI_IMPORT_MAX_BYTES"] = len(HEADER) + 20 * len(row)
    # A chunked body has no Content-Length to refuse it by: only counting while reading does.
    unsized = {"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True}
    answer = sop.call("POST", "/registry/import", content_type="text/csv", data=body,
                      environ_overrides=unsized if chunked else {})  # fmt: skip
    assert answer.status_code == status, answer.get_data(as_text=True)
    if status == 413:
        assert answer.json["error"]["code"] == "too_large"
        imported = sop.call("GET", "/audit", query_string={"action": "registry.import"}).json
        assert imported["items"] == []  # nothing half-imported
