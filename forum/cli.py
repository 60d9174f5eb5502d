"""``flask forum …`` commands for operators."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from moderation import CATEGORIES

from .models import ROLES


def init_app(app: Flask) -> None:
    app.cli.add_command(forum)
    app.cli.add_command(mod)


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


@click.group(cls=AppGroup)
def mod() -> None:
    """Moderation: the word list."""


@mod.command("import-words")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--action",
    type=click.Choice(("block", "review", "mask", "allow")),
    default="review",
    show_default=True,
    help="For lines that do not name one (every line of a plain word list).",
)
@click.option("--category", type=click.Choice(CATEGORIES), default="其他", show_default=True)
def import_words(path: str, action: str, category: str) -> None:
    """Load a word list: one word a line, or CSV ``word,action,category`` (.csv)."""
    from .services import Invalid, wordlist

    with open(path, encoding="utf-8-sig") as fh:
        text = fh.read()
    fmt = "csv" if path.lower().endswith(".csv") else "auto"
    try:
        report = wordlist.import_words(
            None, text, fmt=fmt, default_action=action, default_category=category
        )
    except Invalid as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from exc
    for error in report.errors:
        click.echo(f"line {error.line}: {error.reason}: {error.text.strip()}", err=True)
    click.echo(report.summary())
    if report.errors:
        click.echo(f"{len(report.errors)} line(s) skipped", err=True)
