"""Sub-commands of `patroli`, one module per area; each exposes a click command or group."""

from __future__ import annotations

import click

from patroli.commands.audit import audit_group
from patroli.commands.casework import monitoring_group, register_group, takedown_group
from patroli.commands.crawl import crawl
from patroli.commands.db import db, users_group
from patroli.commands.demo import demo
from patroli.commands.evidence import evidence_group
from patroli.commands.letters import letters_group
from patroli.commands.listings import listings
from patroli.commands.plans import plans_group
from patroli.commands.registry import registry, warnings
from patroli.commands.rules import rules
from patroli.commands.serve import serve
from patroli.commands.sla import sla

COMMANDS: list[click.Command] = [
    crawl, db, demo, evidence_group, listings, users_group, registry, warnings, rules, serve, sla,
    register_group, takedown_group, monitoring_group, letters_group,
    audit_group, plans_group,
]  # fmt: skip
