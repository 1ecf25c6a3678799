"""The one configuration loader: environment variables with embedded defaults (DESIGN.md §2)."""

from __future__ import annotations

import contextlib
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
    # PATROLI_SECRET_KEY as given; None means "generate one into the data dir when the web app
    # asks" (session_secret), so loading the config never writes a key nobody needs.
    secret_key: str | None = None
    # PATROLI_METRICS_TOKEN: /metrics wants it as a bearer token; None: loopback callers only.
    metrics_token: str | None = None

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
        secret_key=env.get("PATROLI_SECRET_KEY") or None,
        metrics_token=env.get("PATROLI_METRICS_TOKEN") or None,
    )


class SecretKeyError(RuntimeError):
    """The stored secret key cannot be used; the message says what to do."""


def session_secret(config: Config) -> str:
    """The web app's session signing key: PATROLI_SECRET_KEY, else the one in the data dir."""
    return config.secret_key or _stored_secret(config.data_dir)


def _stored_secret(data_dir: Path) -> str:
    """A random key generated once into the data dir, so sessions survive restarts.

    The key is written to a file that is private from its first byte (a key briefly readable
    by others is a leaked key), then linked into place: a process racing us either wins and
    we read its complete key, or loses to ours. A symlink is never followed.
    """
    path = data_dir / "secret_key"
    data_dir.mkdir(parents=True, exist_ok=True)
    draft = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    try:
        key = secrets.token_hex(32)
        with os.fdopen(fd, "w") as file:
            file.write(key)
            file.flush()
            os.fsync(file.fileno())
        try:
            os.link(draft, path, follow_symlinks=False)
        except FileExistsError:
            return _read_secret(path)
        return key
    finally:
        draft.unlink(missing_ok=True)


def _read_secret(path: Path) -> str:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        raise SecretKeyError(
            f"cannot read secret key {path} ({error.strerror}): "
            "replace it with a regular file or set PATROLI_SECRET_KEY"
        ) from None
    with os.fdopen(fd) as file:
        if os.fstat(file.fileno()).st_mode & 0o077:
            with contextlib.suppress(PermissionError):  # not ours to tighten
                os.fchmod(file.fileno(), 0o600)  # an older Patroli left it readable by others
        key = file.read().strip()
    if not key:
        raise SecretKeyError(f"secret key {path} is empty: delete it to have a new one made")
    return key
