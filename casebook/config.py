"""The one configuration loader: environment variables with embedded defaults (DESIGN.md §2)."""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Config:
    data_dir: Path
    database_url: str
    redis_url: str | None
    chromium: str | None
    allow_private: bool
    secret_key: str

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"


def load(env: dict[str, str] | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    data_dir = Path(env.get("PATROLI_DATA_DIR") or "./var").resolve()
    database_url = env.get("PATROLI_DATABASE_URL") or f"sqlite:///{data_dir / 'patroli.db'}"
    return Config(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=env.get("PATROLI_REDIS_URL") or None,
        chromium=env.get("PATROLI_CHROMIUM") or shutil.which("chromium"),
        allow_private=env.get("PATROLI_ALLOW_PRIVATE", "0") == "1",
        secret_key=env.get("PATROLI_SECRET_KEY") or _stored_secret(data_dir),
    )


def _stored_secret(data_dir: Path) -> str:
    """A random key generated once into the data dir, so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
