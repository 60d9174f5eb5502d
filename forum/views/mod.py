"""The moderator console (/mod): the queue, reports, word list, members, deletions, audit log.

Moderators and admins only (403 for everyone else).  Every form works without
JavaScript (post, then redirect back); with HTMX a queue decision swaps the
item in place.  Views parse and authorise; the services decide.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, request
from flask_login import current_user

from moderation import CATEGORIES

from ..extensions import db, login_manager
from ..htmx import is_htmx, redirect_to, render
from ..models import Circle, Comment, Post
from ..services import Invalid, NotFound, accounts, audit, deletions, sanctions, screening, wordlist
from ..services import moderation_queue as queue
from ..services import reports as report_service
from ..web import safe_next

bp = Blueprint("mod", __name__, url_prefix="/mod")

FIELD_NAMES = {
    "title": "标题",
    "body": "内容",
    "name": "名称",
    "description": "简介",
    "nickname": "昵称",
    "bio": "简介",
    "text": "文本",
}


@bp.before_request
def _staff_only():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403, "只有版主和管理员可以进入管理后台")
    return None


@bp.context_processor
def _names() -> dict:
    return {
        "field_names": FIELD_NAMES,
        "kind_names": queue.KIND_NAMES,
        "source_names": queue.SOURCE_NAMES,
        "periods": sanctions.PERIODS,
        "action_names": wordlist.ACTION_NAMES,
        "categories": CATEGORIES,
        "audit_actions": audit.ACTIONS,
        "can_sanction": sanctions.can_sanction,
    }


def _get(model, ident: int):
    row = db.session.get(model, ident)
    if row is None:
        abort(404)
    return row


def _member(member_no: int):
    member = accounts.get_by_member_no(member_no)
    if member is None:
        abort(404)
    return member


def _back(default: str) -> Response:
    return redirect_to(safe_next(request.form.get("next"), default))


# -- the queue ------------------------------------------------------------------------


@bp.get("")
def index():
    return _queue_page()


def _queue_page(status: int = 200, message: str = "", errors=None):
    page = request.args.get("page", 1, type=int)
    entries, more = queue.open_items(page)
    return render(
        "mod/queue.html",
        status=status,
        entries=entries,
        more=more,
        page=page,
        message=message,
        errors=errors or {},
    )


def _item_reply(entry, status: int = 200, message: str = "", errors=None):
    if is_htmx():
        return render(
            "mod/queue.html", "item", status=status, entry=entry, message=message, errors=errors
        )
    if status >= 400:
        return _queue_page(status, message, errors)
    return redirect_to("/mod")


@bp.post("/queue/<int:item_id>/<any(approve, reject):decision>")
def decide(item_id: int, decision: str):
    version = request.form.get("version", type=int) or 0
    try:
        entry = queue.decide(
            current_user, item_id, version, decision, request.form.get("reason", "")
        )
    except NotFound:
        abort(404)
    except queue.Conflict as exc:
        return _item_reply(queue.get_entry(item_id), 409, exc.message)
    except Invalid as exc:
        return _item_reply(queue.get_entry(item_id), 422, errors=exc.errors)
    return _item_reply(entry)


@bp.route("/queue/<int:item_id>/edit", methods=["GET", "POST"])
def edit(item_id: int):
    try:
        entry = queue.get_entry(item_id)
    except NotFound:
        abort(404)
    target = entry.post or entry.comment
    form = {"title": getattr(target, "title", ""), "body": getattr(target, "body", "")}
    errors, status = {}, 200
    if request.method == "POST":
        form = {k: request.form.get(k, "") for k in ("title", "body")}
        version = request.form.get("version", type=int) or 0
        try:
            queue.decide(current_user, item_id, version, "edit", "", form["title"], form["body"])
            return redirect_to("/mod")
        except queue.Conflict as exc:
            errors, status = {"body": exc.message}, 409
        except Invalid as exc:
            errors, status = exc.errors, 422
    return render("mod/edit.html", "form", status, entry=entry, form=form, errors=errors)


@bp.post("/queue/<int:item_id>/ban")
def ban_author(item_id: int):
    period, reason = request.form.get("period", ""), request.form.get("reason", "")
    try:
        entry = queue.ban_author(current_user, item_id, period, reason)
    except NotFound:
        abort(404)
    except Invalid as exc:
        return _item_reply(queue.get_entry(item_id), 422, errors=exc.errors)
    return _item_reply(entry, message="已封禁作者")


# -- reports, deletions -----------------------------------------------------------------


@bp.get("/reports")
def reports():
    return render("mod/reports.html", reported=report_service.recent())


@bp.get("/deleted")
def deleted():
    return render("mod/deleted.html", deleted=deletions.recently_deleted())


@bp.post("/circles/<int:circle_id>/delete")
def delete_circle(circle_id: int):
    circle = _get(Circle, circle_id)
    try:
        deletions.delete_circle(current_user, circle, request.form.get("reason", ""))
    except Invalid as exc:
        abort(400, "；".join(exc.errors.values()))
    return redirect_to("/mod/deleted")


@bp.post("/<any(posts, comments, circles):kind>/<int:ident>/restore")
def restore(kind: str, ident: int):
    model, restore_one = {
        "posts": (Post, deletions.restore_post),
        "comments": (Comment, deletions.restore_comment),
        "circles": (Circle, deletions.restore_circle),
    }[kind]
    restore_one(current_user, _get(model, ident), request.form.get("reason", ""))
    return _back("/mod/deleted")


# -- members ------------------------------------------------------------------------------


@bp.get("/users")
def users():
    q = request.args.get("q", "")
    return render("mod/users.html", members=sanctions.find_members(q), q=q)


@bp.get("/users/<int:member_no>")
def member(member_no: int):
    return _member_page(_member(member_no))


def _member_page(member, errors=None, status: int = 200, message: str = ""):
    return render(
        "mod/member.html", member=member, errors=errors or {}, status=status, message=message
    )


@bp.post("/users/<int:member_no>/<any(ban, silence, unban, unsilence, purge):action>")
def sanction(member_no: int, action: str):
    member = _member(member_no)
    period, reason = request.form.get("period", ""), request.form.get("reason", "")
    try:
        if action in ("ban", "silence"):
            getattr(sanctions, action)(current_user, member, period, reason)
        elif action == "purge":
            removed = sanctions.remove_all_content(current_user, member, reason)
            message = f"已删除 {removed.posts} 篇帖子、{removed.comments} 条评论"
            return _member_page(member, message=message)
        else:
            getattr(sanctions, action)(current_user, member, reason)
    except Invalid as exc:
        return _member_page(member, exc.errors, 422)
    return _back(f"/mod/users/{member.member_no}")


# -- the word list --------------------------------------------------------------------------


def _words_page(status: int = 200, **context):
    q = request.args.get("q", "")
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return render(
        "mod/words.html",
        context.pop("block", None),
        status,
        words=wordlist.entries(q, request.args.get("before", type=int)),
        total=wordlist.count(),
        q=q,
        **context,
    )


@bp.get("/words")
def words():
    return _words_page()


@bp.post("/words")
def add_word():
    form = {k: request.form.get(k, "") for k in ("word", "action", "category")}
    try:
        wordlist.add(current_user, form["word"], form["action"], form["category"])
    except Invalid as exc:
        return _words_page(422, errors=exc.errors, form=form)
    return redirect_to("/mod/words")


@bp.post("/words/<int:entry_id>")
def update_word(entry_id: int):
    try:
        entry = wordlist.get(entry_id)
        wordlist.update(
            current_user,
            entry,
            request.form.get("word", entry.word),
            request.form.get("action", ""),
            request.form.get("category", ""),
        )
    except NotFound:
        abort(404)
    except Invalid as exc:
        return _words_page(422, errors=exc.errors)
    return redirect_to("/mod/words")


@bp.post("/words/<int:entry_id>/delete")
def delete_word(entry_id: int):
    try:
        wordlist.delete(current_user, wordlist.get(entry_id))
    except NotFound:
        abort(404)
    return redirect_to("/mod/words")


@bp.post("/words/import")
def import_words():
    upload = request.files.get("file")
    text, fmt = request.form.get("text", ""), "auto"
    if upload and upload.filename:
        text = upload.read().decode("utf-8-sig", errors="replace")
        fmt = "csv" if upload.filename.lower().endswith(".csv") else "auto"
    try:
        report = wordlist.import_words(
            current_user,
            text,
            fmt=fmt,
            default_action=request.form.get("action", "review"),
            default_category=request.form.get("category", "其他"),
        )
    except Invalid as exc:
        return _words_page(422, errors=exc.errors)
    return _words_page(report=report)


@bp.get("/words/export")
def export_words():
    fmt = "text" if request.args.get("fmt") == "text" else "csv"
    response = make_response(wordlist.export(fmt))
    response.mimetype = "text/csv" if fmt == "csv" else "text/plain"
    response.charset = "utf-8"
    filename = "words.csv" if fmt == "csv" else "words.txt"
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return response


@bp.get("/words/test")
def test_words():
    text = request.args.get("text", "")
    decision = screening.preview(text) if text.strip() else None
    return _words_page(block="verdict", sample=text, decision=decision)


# -- the audit log ---------------------------------------------------------------------------


@bp.get("/audit")
def audit_log():
    args = request.args
    filters = audit.Filters(
        actor=args.get("actor", ""),
        action=args.get("action", ""),
        since=audit.parse_date(args.get("since")),
        until=audit.parse_date(args.get("until")),
    )
    page = audit.browse(filters, before=args.get("before", type=int))
    return render("mod/audit.html", "rows", page=page, filters=filters)
