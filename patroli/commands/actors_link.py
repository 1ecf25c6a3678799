"""`patroli actors link|eval`: the pure linker over seller-account JSONL (DESIGN §3)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from rules.profiling import Account, account_from_text, evaluate, link, load_default_stoplist

_JSONL = click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path)
_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_FIELDS = ("platform", "shop_name", "shop_url", "text")


class BadStoplist(click.ClickException):
    pass


@click.command("link")
@click.option("--stoplist", "stoplist_path", type=_FILE,
              help="More stops: JSONL {\"kind\", \"value\"} or lines KIND<TAB>VALUE.")  # fmt: skip
@click.option("--cap", type=click.IntRange(min=2), help="Accounts per identifier before it is "
              "too common (default: √accounts, 10 to 50).")  # fmt: skip
@click.option("--suggestions", is_flag=True,
              help='Also write one line per suggestion: {"suggestion": [a, b], ...}.')  # fmt: skip
@click.argument("accounts", type=_JSONL, metavar="ACCOUNTS.jsonl")
def link_command(stoplist_path: Path | None, cap: int | None, suggestions: bool, accounts: Path):
    """Write one JSON line per account: {"id", "actor", "links": [{"kind", "value", "accounts"}]}.

    Accounts sharing an "actor" are one actor (the key is its smallest account id); "links"
    names the identifiers that joined the account. A bad line is reported on stderr with its
    number and skipped; the others are linked, and the exit status is 1."""
    read, bad = _accounts(accounts)
    stoplist = load_default_stoplist() | _stoplist(stoplist_path)
    linkage = link([account for account, _ in read], stoplist=stoplist, cap=cap,
                   suggest=suggestions)  # fmt: skip
    lines = []
    for account, _ in read:
        links = [
            {"kind": found.kind, "value": found.value, "accounts": list(found.accounts)}
            for found in linkage.links.get(account.id, ())
        ]
        lines.append({"id": account.id, "actor": linkage.actor_of[account.id], "links": links})
    for suggestion in linkage.suggestions if suggestions else ():
        lines.append({"suggestion": [suggestion.a, suggestion.b], "score": suggestion.score,
                      "reasons": list(suggestion.reasons)})  # fmt: skip
    sys.stdout.write("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    if bad:
        sys.exit(1)


@click.command("eval")
@click.option("--stoplist", "stoplist_path", type=_FILE, help="More stops (as for `link`).")
@click.option("--cap", type=click.IntRange(min=2), help="As for `link`.")
@click.argument("labeled", type=_JSONL, metavar="LABELED.jsonl")
def eval_command(stoplist_path: Path | None, cap: int | None, labeled: Path) -> None:
    """Print pairwise precision, recall and F1 of the automatic links against "actor_truth",
    and every false link with the identifiers that made it."""
    read, bad = _accounts(labeled)
    truth = {}
    for account, data in read:
        label = data.get("actor_truth")
        if isinstance(label, str) and label:
            truth[account.id] = label
        else:
            click.echo(f'{labeled}: account {account.id!r}: no "actor_truth"; not scored', err=True)
    stoplist = load_default_stoplist() | _stoplist(stoplist_path)
    linkage = link([a for a, _ in read], stoplist=stoplist, cap=cap, suggest=False)
    score = evaluate(linkage, truth)
    actors = len(set(truth.values()))
    click.echo(f"{len(truth)} accounts, {actors} true actors, {len(linkage.actors())} found "
               f"(frequency cap {linkage.cap})")  # fmt: skip
    click.echo(f"pairs: {score.true_positive} right, {score.false_positive} false links, "
               f"{score.false_negative} missed")  # fmt: skip
    click.echo(f"precision {score.precision:.3f}  recall {score.recall:.3f}  F1 {score.f1:.3f}")
    for false in score.false_links:
        why = ", ".join(f"{kind} {value}" for kind, value in false.identifiers) or "a chain"
        click.echo(f"false link {false.a} ({truth[false.a]}) - {false.b} ({truth[false.b]}): {why}")
    for a, b in score.missed:
        click.echo(f"missed {a} - {b} ({truth[a]})")
    for kind, value, count in linkage.third_party + linkage.common:
        click.echo(f"kept out: {kind} {value} ({count} accounts)")
    for kind, value, count, reason in linkage.hubs:
        click.echo(f"kept out as a hub: {kind} {value} ({count} accounts): {reason}")
    if bad:
        sys.exit(1)


def _accounts(path: Path) -> tuple[list[tuple[Account, dict[str, Any]]], int]:
    """The accounts of a JSONL file with their objects; a bad line is reported and skipped."""
    read: list[tuple[Account, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    bad = 0
    with click.open_file(str(path), encoding="utf-8", errors="replace") as stream:
        for number, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            problem, data = _problem(line, seen)
            if problem:
                click.echo(f"{path}:{number}: {problem}; skipped", err=True)
                bad += 1
                continue
            seen[data["id"]] = number
            fields = {name: data.get(name) or "" for name in _FIELDS}
            read.append((account_from_text(data["id"], **fields), data))
    return read, bad


def _problem(line: str, seen: dict[str, int]) -> tuple[str, dict[str, Any]]:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        return f"not valid JSON ({error.msg})", {}
    if not isinstance(data, dict):
        return "not a JSON object", {}
    account_id = data.get("id")
    if not isinstance(account_id, str) or not account_id.strip():
        return 'no "id" (a non-empty string)', {}
    if account_id in seen:
        return f"duplicate id {account_id!r} (first on line {seen[account_id]})", {}
    for name in _FIELDS:
        if not isinstance(data.get(name) or "", str):
            return f'"{name}" is not a string', {}
    return "", data


def _stoplist(path: Path | None) -> frozenset[tuple[str, str]]:
    """Stops from a file: JSON lines {"kind", "value"} or KIND<TAB>VALUE lines (# comments)."""
    if path is None:
        return frozenset()
    stops = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            data = json.loads(line) if line.startswith("{") else dict(
                zip(("kind", "value"), line.split("\t", 1), strict=True))  # fmt: skip
            stops.add((str(data["kind"]), str(data["value"])))
        except (ValueError, KeyError, TypeError):
            message = f'{path}:{number}: not {{"kind", "value"}} nor KIND<TAB>VALUE'
            raise BadStoplist(message) from None
    return frozenset(stops)


COMMANDS = [link_command, eval_command]
