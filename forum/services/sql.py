"""Small SQL building blocks the services share."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db


def upsert_insert(target, dialect: str | None = None):
    """An INSERT that knows ``ON CONFLICT`` (SQLite and PostgreSQL alike);
    ``dialect`` defaults to the session's database."""
    dialect = dialect or db.session.get_bind().dialect.name
    return (postgresql if dialect == "postgresql" else sqlite).insert(target)


def insert_ignore(model):
    """``INSERT … ON CONFLICT DO NOTHING``.

    The result's ``rowcount`` says whether the row went in (the engine keeps
    INSERT row counts: ``preserve_rowcount`` in the configuration), which is
    how likes, joins and reports stay exact under double clicks and races.
    """
    return upsert_insert(model).on_conflict_do_nothing()
