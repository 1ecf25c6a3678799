"""Sub-commands of `patroli`, one module per area; each exposes a click command or group.

They are imported when used: `patroli rules check` need not load Scrapy, Chromium's driver or
the letters' PDF signing, so a warm start with a 500,000-row registry stays in seconds."""

from __future__ import annotations

# command name -> (module, attribute)
COMMANDS: dict[str, tuple[str, str]] = {
    "actors": ("patroli.commands.actors", "actors_group"),
    "audit": ("patroli.commands.audit", "audit_group"),
    "backup": ("patroli.commands.backup", "backup"),
    "crawl": ("patroli.commands.crawl", "crawl"),
    "db": ("patroli.commands.db", "db"),
    "demo": ("patroli.commands.demo", "demo"),
    "evidence": ("patroli.commands.evidence", "evidence_group"),
    "jobs": ("patroli.commands.jobs", "jobs_group"),
    "letters": ("patroli.commands.letters", "letters_group"),
    "listings": ("patroli.commands.listings", "listings"),
    "monitoring": ("patroli.commands.casework", "monitoring_group"),
    "plans": ("patroli.commands.plans", "plans_group"),
    "register": ("patroli.commands.casework", "register_group"),
    "registry": ("patroli.commands.registry", "registry"),
    "restore": ("patroli.commands.backup", "restore"),
    "rules": ("patroli.commands.rules", "rules"),
    "scheduler": ("patroli.commands.scheduler", "scheduler"),
    "serve": ("patroli.commands.serve", "serve"),
    "sla": ("patroli.commands.sla", "sla"),
    "takedown": ("patroli.commands.casework", "takedown_group"),
    "users": ("patroli.commands.db", "users_group"),
    "warnings": ("patroli.commands.registry", "warnings"),
}
