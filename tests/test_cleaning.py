"""What members write reaches the page as text, links, topics and line breaks, nothing more."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from markupsafe import Markup
from sqlalchemy import select, update

from forum import text
from forum.models import Comment, Post

pytestmark = pytest.mark.usefixtures("fast_hashing")

NASTY = (
    "<script>alert('偷cookie')</script>正文开始\n"
    '<img src=x onerror="alert(1)">\n'
    '<iframe src="https://evil.example/"></iframe>\n'
    '<a href="javascript:alert(2)" onclick="alert(3)" style="color:red">点我领红包</a>\n'
    '<p style="position:fixed">盖住整页</p>\n'
    "javascript:alert(4)\n"
    "攻略在这里 https://example.com/guide?id=1&from=wx。\n"
    "#周末去哪儿# 结束"
)


class Tags(HTMLParser):
    """The start tags of an HTML fragment, with their attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_harmless(fragment: str) -> None:
    """Only <a href=http(s)/...> and <br> survive; no events, styles or scripts."""
    for tag, attrs in Tags(fragment).tags:
        assert tag in ("a", "br"), tag
        assert not [name for name in attrs if name.startswith("on") or name == "style"], attrs
        if "href" in attrs:
            assert re.match(r"^(https?://|/t/)", attrs["href"]), attrs["href"]


def regions(html: str, css_class: str) -> list[str]:
    """The inner HTML of every ``<div class="{css_class}…">`` (user content has no divs)."""
    return re.findall(rf'<div class="{css_class}[^"]*">(.*?)</div>', html, re.S)


# -- forum.text directly -----------------------------------------------------------


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<script>alert(1)</script>正文", "正文"),
        ("<img src=x onerror=alert(1)>图", "图"),
        ('<iframe src="https://evil.example/"></iframe>嵌入', "嵌入"),
        ('<p style="color:red">段落</p><b>粗</b>', "段落粗"),
        (
            '<a href="javascript:alert(1)" onclick="x()" style="color:red">点我</a>',
            '<a rel="nofollow noopener ugc">点我</a>',
        ),
        (
            '<a href="https://example.com/" onmouseover="x()">链接</a>',
            '<a href="https://example.com/" rel="nofollow noopener ugc">链接</a>',
        ),
        ("第一行<br>第二行<!-- 注释 -->", "第一行<br>第二行"),
    ],
)
def test_clean_keeps_only_links_and_line_breaks(dirty, clean):
    assert text.clean(dirty) == clean


def test_user_html_is_the_cleaned_markup():
    html = text.user_html('<a href="https://a.cn" onclick="x()">链</a><script>x()</script>')

    assert isinstance(html, Markup)
    assert html == '<a href="https://a.cn" rel="nofollow noopener ugc">链</a>'
    assert text.user_html(None) == Markup("")


def test_render_escapes_tags_instead_of_interpreting_them():
    html = text.render("<script>alert(1)</script> <img src=x onerror=alert(1)>")

    assert html == "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt;"
    assert Tags(html).tags == []


def test_render_makes_links_clickable_with_nofollow():
    html = text.render(
        "攻略 https://example.com/a?b=1&c=2。再看 (https://zh.wikipedia.org/wiki/A_(B))"
    )

    assert html == (
        '攻略 <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener ugc">'
        "https://example.com/a?b=1&amp;c=2</a>。再看 "
        '(<a href="https://zh.wikipedia.org/wiki/A_(B)" rel="nofollow noopener ugc">'
        "https://zh.wikipedia.org/wiki/A_(B)</a>)"
    )


def test_render_does_not_link_javascript_urls():
    html = text.render("javascript:alert(1) 和 JAVASCRIPT:alert(2)")

    assert "<a" not in html and html == "javascript:alert(1) 和 JAVASCRIPT:alert(2)"


def test_render_links_topics_half_and_full_width():
    html = text.render("#周末去哪儿# 还有 ＃美食＃，但 #!!# 不算")

    assert f'<a class="topic" href="/t/{quote("周末去哪儿")}"' in html
    assert f'<a class="topic" href="/t/{quote("美食")}"' in html
    assert ">#周末去哪儿#</a>" in html and ">#美食#</a>" in html
    assert "#!!# 不算" in html


def test_render_turns_line_breaks_into_br_and_squeezes_blank_lines():
    assert text.render("第一行\r\n第二行\n\n\n\n\n第三行") == "第一行<br>第二行<br><br>第三行"


def test_topic_names_are_distinct_in_order():
    assert text.topic_names("#甲# #乙# #甲# #!!# ＃丙＃") == ["甲", "乙", "丙"]


# -- through the pages members see -------------------------------------------------


@pytest.fixture
def author(make, login_client):
    member = make.member("xiaomei", nickname="小美")
    make.circle(member, slug="travel", name="旅行")
    return login_client(member)


def test_a_posted_page_shows_none_of_the_markup(author, rows):
    author.post("/c/travel/posts", data={"title": "<b>标题</b>", "body": NASTY})
    post = rows.one(select(Post))

    page = author.get(f"/p/{post.id}").text

    [body] = regions(page, "post-body")
    assert_harmless(body)
    assert "<script>alert" not in page and "<iframe" not in page and "<img" not in page
    assert not re.search(r"<a [^>]*href=\"javascript:", page, re.I)
    assert "&lt;script&gt;alert('偷cookie')&lt;/script&gt;正文开始<br>" in body
    assert (
        '<a href="https://example.com/guide?id=1&amp;from=wx" rel="nofollow noopener ugc">' in body
    )
    assert f'<a class="topic" href="/t/{quote("周末去哪儿")}"' in body
    assert body.count("<br>") == NASTY.count("\n")
    assert "&lt;b&gt;标题&lt;/b&gt;" in page  # titles are plain text


def test_feed_cards_show_the_same_cleaned_body(author, client, rows):
    author.post("/c/travel/posts", data={"title": "", "body": NASTY})

    for url in ("/", "/c/travel", f"/t/{quote('周末去哪儿')}"):
        [body] = regions(client.get(url).text, "post-body")
        assert_harmless(body)
        assert "https://example.com/guide" in body


def test_a_comment_shows_none_of_the_markup(author, rows, make, login_client):
    author.post("/c/travel/posts", data={"title": "", "body": "求推荐"})
    post = rows.one(select(Post))
    login_client(make.member("ajie")).post(f"/p/{post.id}/comments", data={"body": NASTY})

    page = author.get(f"/p/{post.id}").text

    [body] = regions(page, "comment-body")
    assert_harmless(body)
    assert "&lt;iframe" in body and "<iframe" not in page
    assert 'rel="nofollow noopener ugc"' in body
    assert f'href="/t/{quote("周末去哪儿")}"' in body
    assert body.count("<br>") == NASTY.count("\n")


def test_stored_html_is_cleaned_again_when_shown(author, client, rows, make, login_client):
    """Even HTML that reached the database some other way (an old row, an import
    bug) is cleaned on the way to the page."""
    author.post("/c/travel/posts", data={"title": "", "body": "正常的帖子"})
    post = rows.one(select(Post))
    login_client(make.member("ajie")).post(f"/p/{post.id}/comments", data={"body": "正常评论"})
    dirty = '<script>alert(1)</script><img src=x onerror=alert(1)><a href="javascript:x()">坏</a>'
    rows.execute(update(Post).values(body_html=dirty))
    rows.execute(update(Comment).values(body_html=dirty))

    for page in (client.get(f"/p/{post.id}").text, client.get("/").text):
        for body in regions(page, "post-body") + regions(page, "comment-body"):
            assert_harmless(body)
            assert "坏</a>" in body
        assert "<script>alert" not in page and "<img" not in page
