"""Patrol plans (SOP step 1): fields checked by name, status moves, runs with their figures."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from casebook.models import AuditEvent
from casebook.services import audit, calendar, plans, runs
from patroli.cli import main

T0 = datetime(2027, 3, 4, 3, 0, tzinfo=UTC)  # Thursday 4 March 2027, 10:00 WIB
GOOD = {
    "keywords": ["tramadol", "obat kuat"],
    "targets": [
        {"spider": "marketplace", "site": "pasarku"},
        {"spider": "shop", "url": "https://toko.example/"},
    ],
    "categories": ["obat", "pangan"],
    "unit": "Dit. Siber",
    "schedule": "0 2 * * 1-5",
    "risk_basis": "Kajian risiko Q1 2027: obat keras dijual bebas menjelang Lebaran",
    "classification": "terbatas",
    "period_start": date(2027, 3, 8),
    "period_end": date(2027, 3, 31),
}


def _save(session, name="Patroli Lebaran 2027", **changes):
    return plans.save_plan(session, name, **{**GOOD, **changes}, actor="ani", now=T0)


def test_a_plan_keeps_what_it_was_given(sessions):
    with sessions() as session, session.begin():
        plan = _save(session)
    with sessions() as session:
        shown = plans.public(plans.get_plan(session, plan.id), calendar.working_calendar(session))
    assert shown["unit"] == plans.DIT_SIBER
    assert shown["status"] == "draft"
    assert shown["classification"] == "terbatas"
    assert (shown["period_start"], shown["period_end"]) == ("2027-03-08", "2027-03-31")
    assert shown["risk_basis"].startswith("Kajian risiko Q1 2027")
    assert shown["targets"][1] == {"spider": "shop", "url": "https://toko.example/"}
    # 5 HK from Thursday 4 March 2027: 5 Mar, then Nyepi 8 Mar, Idul Fitri 9-12 and 15 Mar
    # are off: 16, 17, 18, 19 Mar.
    assert shown["planning_due"] == "2027-03-19"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"keywords": []}, "keywords: a plan needs at least one keyword"),
        ({"keywords": ["ok", "  "]}, "keywords[2]: required"),
        ({"keywords": "tramadol"}, "keywords: a list of words"),
        ({"targets": [{"site": "pasarku"}]}, "targets[1]: needs a spider name"),
        ({"targets": [{"spider": "Market Place"}]}, "targets[1]: 'Market Place' is not a spider"),
        ({"targets": [{"spider": "shop", "url": "ftp://x"}]}, "targets[1]: url 'ftp://x'"),
        ({"categories": ["narkoba"]}, "categories: 'narkoba' is not one of"),
        ({"unit": "Kantor Pusat"}, "unit: 'Kantor Pusat' is neither Dit. Siber nor an UPT"),
        ({"schedule": "0 25 * * *"}, "schedule: hour '25' is out of 0-23"),
        ({"schedule": "every day"}, "schedule: 'every day' needs 5 fields"),
        ({"schedule": "0 2 * * mon"}, "schedule: day of week 'mon' is not a cron value"),
        ({"classification": "sangat rahasia"}, "classification: 'sangat rahasia' is not one"),
        ({"period_end": date(2027, 3, 1)}, "period_end: 2027-03-01 is before period_start"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(sessions, changes, field):
    with sessions() as session, session.begin(), pytest.raises(plans.PlanError) as error:
        _save(session, **changes)
    assert field in str(error.value)
    with sessions() as session:
        assert plans.list_plans(session) == []
        assert audit.chain_end(session).seq == 0


@pytest.mark.parametrize(
    "given, stored",
    [
        ("", ""),
        ("daily 02:00", "0 2 * * *"),
        ("@weekly", "0 0 * * 0"),
        ("*/30  8-16 * * 1-5", "*/30 8-16 * * 1-5"),
        ("0 6 1,15 * *", "0 6 1,15 * *"),
    ],
)
def test_schedules_are_stored_as_cron(sessions, given, stored):
    with sessions() as session, session.begin():
        assert _save(session, schedule=given).schedule == stored


@pytest.mark.parametrize(
    "unit, stored",
    [
        ("", plans.DIT_SIBER),
        ("dit. siber", plans.DIT_SIBER),
        ("Direktorat Siber Obat dan Makanan", plans.DIT_SIBER),
        ("Balai Besar POM di  Surabaya", "Balai Besar POM di Surabaya"),
        ("Loka POM di Kabupaten Banyumas", "Loka POM di Kabupaten Banyumas"),
    ],
)
def test_the_responsible_unit_is_dit_siber_or_an_upt(unit, stored):
    assert plans.responsible_unit(unit) == stored


@pytest.mark.parametrize(
    "schedule, after, expected",
    [
        # 02:00 WIB on weekdays: Friday 5 March 2027 03:00 UTC is 10:00 WIB -> Monday 02:00
        ("0 2 * * 1-5", datetime(2027, 3, 5, 3, 0, tzinfo=UTC), "2027-03-08T02:00:00+07:00"),
        ("0 2 * * 1-5", datetime(2027, 3, 7, 18, 59, tzinfo=UTC), "2027-03-08T02:00:00+07:00"),
        ("0 2 * * 1-5", datetime(2027, 3, 7, 19, 0, tzinfo=UTC), "2027-03-09T02:00:00+07:00"),
        ("*/30 * * * *", datetime(2027, 3, 5, 3, 10, tzinfo=UTC), "2027-03-05T10:30:00+07:00"),
        ("0 0 1 1 *", datetime(2027, 3, 5, tzinfo=UTC), "2028-01-01T00:00:00+07:00"),
        ("0 0 31 2 *", datetime(2027, 3, 5, tzinfo=UTC), None),  # never
        ("", datetime(2027, 3, 5, tzinfo=UTC), None),
    ],
)
def test_next_run_reads_the_schedule_in_jakarta_time(schedule, after, expected):
    found = plans.next_run(schedule, after)
    assert (found.isoformat() if found else None) == expected


def test_status_moves_along_and_is_audited(sessions):
    with sessions() as session, session.begin():
        plan = _save(session, risk_basis="")
        with pytest.raises(plans.PlanError, match="risk_basis: plan 1 cannot be approved"):
            plans.set_status(session, plan.id, "approved", actor="kasubdit")
        _save(session)  # now with its risk basis
        with pytest.raises(plans.PlanError, match="plan 1 is draft: it cannot become active"):
            plans.set_status(session, plan.id, "active", actor="kasubdit")
        plans.set_status(session, plan.id, "approved", actor="kasubdit", now=T0)
        plans.set_status(session, plan.id, "approved", actor="kasubdit")  # no-op
        assert (plan.approved_by, plan.approved_at) == ("kasubdit", T0)
        plans.set_status(session, plan.id, "active", actor="kasubdit")
        # Looking for something else needs a new approval.
        _save(session, keywords=["tramadol", "alprazolam"])
        assert plan.status == "draft" and plan.approved_by is None
        plans.set_status(session, plan.id, "closed", actor="kasubdit")
        with pytest.raises(plans.PlanError, match="plan 1 is closed: it cannot become active"):
            plans.set_status(session, plan.id, "active", actor="kasubdit")
        with pytest.raises(plans.PlanError, match="is closed: make a new plan"):
            _save(session)
        with pytest.raises(plans.PlanError, match="no patrol plan 99"):
            plans.set_status(session, 99, "active", actor="kasubdit")
    with sessions() as session:
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
        assert actions == ["plan.save", "plan.save", "plan.status", "plan.status", "plan.save",
                           "plan.status"]  # fmt: skip
        assert audit.verify(session) == []


def test_saving_the_same_plan_twice_is_a_no_op(sessions):
    with sessions() as session, session.begin():
        first = _save(session, schedule="daily 02:00")
        second = _save(session, schedule="0 2 * * *")
        assert first.id == second.id
    with sessions() as session:
        assert audit.chain_end(session).seq == 1


def test_a_plans_runs_with_their_figures(sessions):
    with sessions() as session, session.begin():
        plan, other = _save(session), _save(session, name="Patroli lain")
        run = runs.start_run(session, "marketplace", {"site": "pasarku", "plan": plan.id},
                             plan_id=plan.id, now=T0)  # fmt: skip
        runs.finish_run(
            session,
            run.id,
            "finished",
            {
                "response_received_count": 42,
                "patroli/stored": 30,
                "patroli/listings_with_hits": 12,
                "patroli/failed_urls": 1,
                "failures": [],
            },
            now=T0,
        )
        runs.start_run(session, "social", {"site": "ceritaku"}, plan_id=plan.id, now=T0)
        runs.start_run(session, "shop", {"site": "tokosehat"}, plan_id=other.id, now=T0)
    with sessions() as session:
        found = [r.public() for r in plans.plan_runs(session, plan.id)]
        with pytest.raises(plans.PlanError, match="no patrol plan 77"):
            plans.plan_runs(session, 77)
    assert [(r["spider"], r["site"], r["status"]) for r in found] == [
        ("marketplace", "pasarku", "finished"), ("social", "ceritaku", "running")]  # fmt: skip
    assert (found[0]["pages"], found[0]["stored"], found[0]["with_violations"],
            found[0]["failed"]) == (42, 30, 12, 1)  # fmt: skip
    assert found[0]["started_at"] == "2027-03-04T03:00:00Z"
    assert found[1]["finished_at"] is None and found[1]["stored"] == 0


def _cli(config, *args):
    env = {"PATROLI_DATA_DIR": str(config.data_dir), "PATROLI_DATABASE_URL": config.database_url}
    return CliRunner().invoke(main, list(args), env=env)


def test_the_plans_command_group(config, sessions):
    result = _cli(
        config,
        "plans",
        "add",
        "Patroli kosmetik merkuri",
        "--keyword",
        "krim pemutih",
        "--keyword",
        "merkuri",
        "--category",
        "kosmetik",
        "--target",
        "marketplace:pasarku",
        "--target",
        "shop:https://toko.example/",
        "--schedule",
        "0 2 * * 1-5",
        "--unit",
        "Balai POM di Jayapura",
        "--risk-basis",
        "temuan 2026",
        "--classification",
        "rahasia",
        "--start",
        "2027-01-04",
        "--end",
        "2027-06-30",
    )
    assert result.exit_code == 0, result.output
    assert result.output == "plan 1 saved: Patroli kosmetik merkuri\n"
    assert _cli(config, "plans", "approve", "1", "--actor", "kabalai").output == "plan 1 approved\n"
    assert _cli(config, "plans", "activate", "1").output == "plan 1 active\n"
    shown = json.loads(_cli(config, "plans", "show", "1").output)
    assert shown["targets"] == [{"spider": "marketplace", "site": "pasarku"},
                                {"spider": "shop", "url": "https://toko.example/"}]  # fmt: skip
    assert (shown["unit"], shown["classification"], shown["approved_by"]) == (
        "Balai POM di Jayapura", "rahasia", "kabalai")  # fmt: skip
    assert shown["next_run"].endswith("T02:00:00+07:00")
    listed = [json.loads(line) for line in _cli(config, "plans", "list", "--status",
                                                "active").output.splitlines()]  # fmt: skip
    assert [p["id"] for p in listed] == [1]
    assert _cli(config, "plans", "list", "--status", "draft").output == ""
    assert _cli(config, "plans", "runs", "1").output == ""


@pytest.mark.parametrize(
    "args, message",
    [
        (["plans", "add", "X", "--keyword", "k", "--schedule", "61 * * * *"],
         "Error: schedule: minute '61' is out of 0-59"),
        (["plans", "add", "X", "--keyword", "k", "--target", "pasarku"],
         "'pasarku' is not SPIDER:SITE or SPIDER:URL"),
        (["plans", "add", "X", "--keyword", "k", "--start", "4/1/2027"], "not a date"),
        (["plans", "show", "5"], "Error: no patrol plan 5"),
        (["plans", "runs", "5"], "Error: no patrol plan 5"),
        (["plans", "activate", "5"], "Error: no patrol plan 5"),
    ],
)  # fmt: skip
def test_the_plans_commands_fail_in_one_line(config, engine, args, message):
    result = _cli(config, *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
