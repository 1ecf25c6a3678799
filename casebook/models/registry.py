"""The NIE registry and the public-warning list as imported into the casebook."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.models.base import Base


class RegisteredProduct(Base):
    """One registry row (Cek BPOM style), keyed by its normalized NIE."""

    __tablename__ = "registry_products"

    nie: Mapped[str] = mapped_column(String(32), primary_key=True)
    product_name: Mapped[str] = mapped_column(String(500))
    brand: Mapped[str] = mapped_column(String(200), index=True)
    category: Mapped[str] = mapped_column(String(32))
    registrant: Mapped[str] = mapped_column(String(300), default="")
    form: Mapped[str] = mapped_column(String(100), default="")
    issued_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16))
    imported_at: Mapped[datetime]


class PublicWarningEntry(Base):
    """One public-warning entry; keyed by NIE when it has one, else by brand + product name."""

    __tablename__ = "public_warnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(600), unique=True)
    product_name: Mapped[str] = mapped_column(String(500))
    brand: Mapped[str] = mapped_column(String(200))
    nie: Mapped[str] = mapped_column(String(32), default="")
    category: Mapped[str] = mapped_column(String(32), default="")
    hazard: Mapped[str] = mapped_column(String(500), default="")
    published_on: Mapped[date | None]
    imported_at: Mapped[datetime]
