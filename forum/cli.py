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
    app.cli.add_command(search)


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


@forum.command("create-brand")
@click.argument("name")
@click.option("--logo", type=click.Path(exists=True, dir_okay=False), help="A logo image file.")
@click.option("--account", "accounts", multiple=True, help="Username to attach (repeatable).")
def create_brand(name: str, logo: str | None, accounts: tuple[str, ...]) -> None:
    """Create a brand and attach brand accounts: create-brand 元气森林 --account yuanqi."""
    from werkzeug.datastructures import FileStorage

    from .services import Invalid, brands

    try:
        if logo:
            with open(logo, "rb") as fh:
                upload = FileStorage(stream=fh, filename=click.format_filename(logo))
                brand = brands.create(None, name, upload)
        else:
            brand = brands.create(None, name)
        for username in accounts:
            brands.attach_account(None, brand, username)
    except Invalid as exc:
        raise click.ClickException("; ".join(exc.errors.values())) from exc
    click.echo(
        f"created brand {brand.name} (id {brand.id}), accounts: {', '.join(accounts) or '-'}"
    )


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


@click.group(cls=AppGroup)
def search() -> None:
    """The search index: rebuild it, apply waiting changes, show its state."""


@search.command("rebuild")
def search_rebuild() -> None:
    """Recreate the index from the database (the old one serves until it is done)."""
    from search import IndexBusy

    from .services import indexing

    total = indexing.rebuild_size()
    done = 0
    with click.progressbar(length=total, label="重建索引") as bar:

        def progress(count: int) -> None:
            nonlocal done
            bar.update(max(0, count - done))
            done = max(done, count)

        try:
            count = indexing.rebuild(progress)
        except IndexBusy as exc:
            raise click.ClickException(f"索引正忙（另一个重建或写入正在进行）：{exc}") from exc
    click.echo(f"rebuilt: {count} documents indexed")


@search.command("sync")
def search_sync() -> None:
    """Apply the changes waiting in the search outbox."""
    from .services import indexing

    applied = indexing.sync()
    click.echo(
        f"applied {applied.rows} outbox rows "
        f"({applied.indexed} documents indexed, {applied.deleted} removed)"
    )
    if applied.busy:
        raise click.ClickException(
            f"the index is busy, rows wait for the next sync: {applied.error}"
        )


@search.command("status")
def search_status() -> None:
    """Documents indexed, the outbox backlog and the last sync."""
    from .services import indexing

    state = indexing.status()
    index = state.index

    def when(moment) -> str:
        return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment else "never"

    click.echo(f"index: {'ok' if index.ok else 'ERROR ' + (index.error or '')} ({index.location})")
    click.echo(f"documents indexed: {index.doc_count}")
    click.echo(f"generation: {index.generation or '-'}; segments: {index.segments}")
    click.echo(f"rebuilding: {'yes' if index.rebuilding else 'no'}")
    click.echo(f"user dictionary words: {index.user_words}")
    click.echo(
        f"outbox backlog: {state.backlog}"
        + (
            f" (oldest {when(state.oldest_waiting)}, attempts up to {state.max_attempts})"
            if state.backlog
            else ""
        )
    )
    click.echo(f"last sync: {when(state.last_sync_at)}")
    click.echo(f"last rebuild: {when(state.last_rebuild_at)}")
    if state.last_error:
        click.echo(f"last error: {state.last_error} ({when(state.last_error_at)})")
