"""``flask forum …`` commands for operators."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from .models import ROLES


def init_app(app: Flask) -> None:
    app.cli.add_command(forum)


@click.group(cls=AppGroup)
def forum() -> None:
    """Manage the community: demo data, accounts, imports."""


@forum.command("create-user")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(ROLES), default="user", show_default=True)
@click.option("--nickname", default="", help="Display name (defaults to the username).")
def create_user(username: str, password: str, role: str, nickname: str) -> None:
    """Create an account, e.g. a moderator: create-user mod1 --role moderator."""
    from .services import Invalid, accounts

    try:
        user = accounts.register(username, password, nickname, role=role)
    except Invalid as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from exc
    click.echo(f"created {user.username} (member no. {user.member_no}, role {user.role})")


@forum.command("demo")
@click.option("--seed", default=2024, show_default=True)
def demo(seed: int) -> None:
    """Load the demo community (does nothing if it is already there)."""
    from .services import demo as demo_service

    summary = demo_service.load(seed=seed, echo=click.echo)
    click.echo(summary)


@forum.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--batch-size", default=500, show_default=True)
def import_(path: str, batch_size: int) -> None:
    """Bulk-import members, circles, posts and comments from a JSON-lines file."""
    from .services import importer

    with open(path, encoding="utf-8") as fh:
        total = sum(1 for _ in fh)
    with open(path, encoding="utf-8") as fh, click.progressbar(length=total, label="导入中") as bar:
        report = importer.run(fh, batch_size=batch_size, progress=bar.update)
    for line_no, message in report.errors:
        click.echo(f"line {line_no}: {message}", err=True)
    click.echo(report.summary())
    if report.errors:
        click.echo(f"{len(report.errors)} line(s) skipped", err=True)
