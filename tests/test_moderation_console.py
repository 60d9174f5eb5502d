"""The moderator console's word list (add, edit, delete, import, export, test), the
``flask mod import-words`` command, and the audit log."""

from __future__ import annotations

import html
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import insert, select, update

from forum.models import AuditLog, Post, WordEntry, utcnow
from forum.services import wordlist

pytestmark = pytest.mark.usefixtures("fast_hashing")

HX = {"HX-Request": "true"}


@pytest.fixture
def site(make):
    owner = make.member("xiaomei", nickname="小美")
    make.circle(owner, slug="travel", name="旅行")
    moderator = make.member("banzhu", nickname="版主", role="moderator")
    return owner, moderator


@pytest.fixture
def mod(site, login_client):
    return login_client(site[1])


def words(rows) -> list[tuple[str, str, str]]:
    return [
        (w.word, w.action, w.category) for w in rows.all(select(WordEntry).order_by(WordEntry.id))
    ]


def test_a_word_added_in_the_console_screens_the_next_post_at_once(site, mod, login_client, rows):
    owner, moderator = site
    author = login_client(owner)
    assert author.post("/c/travel/posts", data={"body": "收购二手手机"}).status_code == 303

    added = mod.post("/mod/words", data={"word": "收购", "action": "block", "category": "广告"})
    blocked = author.post("/c/travel/posts", data={"body": "高价收购旧手机"})

    assert added.status_code == 303 and added.headers["Location"] == "/mod/words"
    assert words(rows) == [("收购", "block", "广告")]
    assert blocked.status_code == 422 and "高价<mark>收购</mark>旧手机" in blocked.text
    assert "收购" in mod.get("/mod/words").text
    [entry] = rows.all(select(AuditLog))
    assert (entry.action, entry.actor_id, entry.detail["word"]) == (
        "word.add",
        moderator.id,
        "收购",
    )


def test_editing_and_deleting_a_word(site, mod, login_client, rows):
    owner, _ = site
    mod.post("/mod/words", data={"word": "收购", "action": "block", "category": "广告"})
    entry = rows.one(select(WordEntry))

    duplicate = mod.post("/mod/words", data={"word": "收购", "action": "mask", "category": "其他"})
    mod.post(f"/mod/words/{entry.id}", data={"word": "收购", "action": "mask", "category": "其他"})
    masked = login_client(owner).post("/c/travel/posts", data={"body": "收购旧书"})

    assert duplicate.status_code == 422 and "已在词库中" in duplicate.text
    assert words(rows) == [("收购", "mask", "其他")]
    assert masked.status_code == 303 and rows.one(select(Post)).body == "**旧书"

    mod.post(f"/mod/words/{entry.id}/delete")

    assert words(rows) == []
    login_client(owner).post("/c/travel/posts", data={"body": "收购旧书"})
    assert [p.body for p in rows.all(select(Post).order_by(Post.id))] == ["**旧书", "收购旧书"]
    actions = [a.action for a in rows.all(select(AuditLog).order_by(AuditLog.id))]
    assert actions == ["word.add", "word.update", "word.delete"]


def test_bad_words_are_refused_with_a_reason(mod, rows):
    too_long = mod.post(
        "/mod/words", data={"word": "长" * 40, "action": "block", "category": "广告"}
    )
    symbols = mod.post("/mod/words", data={"word": "！！", "action": "block", "category": "广告"})
    no_category = mod.post("/mod/words", data={"word": "好", "action": "block", "category": "x"})

    assert too_long.status_code == 422 and "词语过长" in too_long.text
    assert symbols.status_code == 422 and "无法匹配" in symbols.text
    assert no_category.status_code == 422 and "请选择分类" in no_category.text
    assert words(rows) == []


def test_importing_a_plain_list_and_a_csv_reports_bad_lines_by_number(mod, rows):
    plain = "代开发票\n\n# 注释\n" + "长" * 40 + "\n刷单\n代开发票\n"
    response = mod.post(
        "/mod/words/import",
        data={
            "file": (io.BytesIO(plain.encode()), "words.txt"),
            "action": "block",
            "category": "违法",
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 200
    assert "新增 2 个" in response.text
    assert "第 4 行" in response.text and "词语过长" in response.text
    assert "第 6 行" in response.text and "与第 1 行重复" in response.text
    assert words(rows) == [("代开发票", "block", "违法"), ("刷单", "block", "违法")]

    csv = "word,action,category\n刷单,review,广告\n裸聊,block,色情\n约饭,allow,\n加群,ban,广告\n"
    response = mod.post(
        "/mod/words/import",
        data={"file": (io.BytesIO(csv.encode()), "more.csv"), "action": "review"},
        content_type="multipart/form-data",
    )

    assert "新增 2 个，更新 1 个" in response.text
    assert "第 5 行" in response.text and "未知动作「ban」" in response.text
    assert words(rows) == [
        ("代开发票", "block", "违法"),
        ("刷单", "review", "广告"),
        ("裸聊", "block", "色情"),
        ("约饭", "allow", "其他"),
    ]
    pasted = mod.post("/mod/words/import", data={"text": "外挂\n", "action": "mask"})
    assert "新增 1 个" in pasted.text and ("外挂", "mask", "其他") in words(rows)
    imports = rows.all(select(AuditLog).where(AuditLog.action == "word.import"))
    assert [a.detail["added"] for a in imports] == [2, 2, 1]


def test_export_as_csv_and_as_plain_text(mod, app):
    with app.app_context():
        wordlist.import_words(None, "word,action,category\n代开发票,block,违法\n垃圾,mask,辱骂\n")

    as_csv = mod.get("/mod/words/export?fmt=csv")
    as_text = mod.get("/mod/words/export?fmt=text")

    assert as_csv.headers["Content-Disposition"] == "attachment; filename=words.csv"
    assert as_csv.mimetype == "text/csv"
    assert as_csv.text == "word,action,category\n代开发票,block,违法\n垃圾,mask,辱骂\n"
    assert as_text.text == "代开发票\n垃圾\n"


def test_testing_a_text_shows_the_verdict_highlighted(mod, app):
    with app.app_context():
        wordlist.import_words(None, "word,action,category\n代开发票,block,违法\n")

    page = mod.get("/mod/words/test", query_string={"text": "诚信代开发票 <i>x</i>"})
    fragment = mod.get("/mod/words/test", query_string={"text": "加我 138 1234 5678"}, headers=HX)

    assert page.status_code == 200 and "<html" in page.text
    assert "诚信<mark>代开发票</mark> &lt;i&gt;x&lt;/i&gt;" in page.text
    assert ">拦截</span>" in page.text and "违法" in page.text
    assert fragment.text.lstrip().startswith('<div id="verdict"')
    assert "加我 <mark>138 1234 5678</mark>" in fragment.text and ">审核</span>" in fragment.text


def test_the_word_list_reloads_when_another_process_changes_it(app, site, login_client, rows):
    owner, _ = site
    author = login_client(owner)
    assert author.post("/c/travel/posts", data={"body": "第一帖"}).status_code == 303
    # Another worker adds a word: this one sees it once its next check is due.
    rows.execute(insert(WordEntry).values(word="外挂", action="block", category="其他"))
    assert author.post("/c/travel/posts", data={"body": "卖外挂"}).status_code == 303

    app.config["WORDLIST_REFRESH_SECONDS"] = 0

    assert author.post("/c/travel/posts", data={"body": "还卖外挂"}).status_code == 422


def test_cli_import_words_reports_bad_lines_with_numbers(runner, rows, tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("代开发票\n" + "长" * 40 + "\n刷单\n", encoding="utf-8")

    result = runner.invoke(
        args=["mod", "import-words", str(path), "--action", "block", "--category", "违法"]
    )

    assert result.exit_code == 0, result.output
    assert "新增 2 个" in result.output
    assert "line 2: 词语过长" in result.output
    assert words(rows) == [("代开发票", "block", "违法"), ("刷单", "block", "违法")]
    [entry] = rows.all(select(AuditLog))
    assert (entry.action, entry.actor_id) == ("word.import", None)


def test_cli_import_words_reads_csv(runner, rows, tmp_path):
    path = tmp_path / "words.csv"
    path.write_text("word,action,category\n裸聊,block,色情\n加群,,广告\n", encoding="utf-8")

    result = runner.invoke(args=["mod", "import-words", str(path), "--action", "mask"])

    assert result.exit_code == 0, result.output
    assert words(rows) == [("裸聊", "block", "色情"), ("加群", "mask", "广告")]
    assert runner.invoke(args=["mod", "import-words", str(path), "--action", "x"]).exit_code == 2


def test_the_audit_log_filters_by_actor_action_and_date_and_pages(
    app, site, make, mod, login_client, rows
):
    _, moderator = site
    other = make.member("banzhu2", nickname="二号版主", role="moderator")
    with app.app_context():
        for i in range(55):
            wordlist.add(rows.get(type(moderator), moderator.id), f"词{i:02d}", "block", "其他")
    login_client(other).post(
        "/mod/words", data={"word": "别的", "action": "mask", "category": "其他"}
    )
    rows.execute(
        update(AuditLog)
        .where(AuditLog.actor_id == other.id)
        .values(created_at=utcnow() - timedelta(days=3))
    )

    first = mod.get("/mod/audit")
    by_other = mod.get("/mod/audit", query_string={"actor": "banzhu2"})
    by_number = mod.get("/mod/audit", query_string={"actor": str(other.member_no)})
    by_action = mod.get("/mod/audit", query_string={"action": "word.add", "actor": "版主"})
    today = (utcnow() + timedelta(hours=8)).date().isoformat()
    by_date = mod.get("/mod/audit", query_string={"since": today})

    assert first.text.count('class="card audit-row"') == 50
    assert "词54" in first.text and "词04" not in first.text
    assert "更早的记录" in first.text
    link = re.search(r'class="load-more" href="([^"]+)"', first.text).group(1)
    more = mod.get(html.unescape(link), headers=HX)
    assert more.text.count('class="card audit-row"') == 6 and "<html" not in more.text
    assert "更早的记录" not in more.text and "词00" in more.text
    assert by_other.text.count('class="card audit-row"') == 1 and "别的" in by_other.text
    assert by_number.text.count('class="card audit-row"') == 1
    assert by_action.text.count('class="card audit-row"') == 50
    assert "别的" not in by_date.text and "词54" in by_date.text
