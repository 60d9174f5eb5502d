"""Acceptance: searching on a phone, as you type (HTMX) and without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("fast_hashing")]


@pytest.fixture
def seeded(make):
    mei = make.member("xiaomei", nickname="小美")
    skin = make.circle(mei, slug="skin", name="护肤")
    cream = make.post(mei, skin, title="面霜测评", body="这款面霜适合干皮，冬天用刚好 #护肤#")
    serum = make.post(mei, skin, body="精华液和面霜的顺序：先精华后面霜")
    return cream, serum


def test_results_follow_typing_in_the_mini_program(phone, seeded, shots, offsite_requests):
    cream, serum = seeded
    page = phone
    page.goto("/")
    expect(page.locator(".topbar")).to_be_hidden()  # the mini-program hides it...
    entry = page.locator(".search-entry input[name=q]")
    entry.fill("面霜")  # ...so the home page has its own box
    entry.press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q="))
    expect(page.locator("article.search-result")).to_have_count(2)

    box = page.locator(".search-form input[name=q]")
    box.fill("")
    box.press_sequentially("精华液", delay=30)
    expect(page.locator("article.search-result")).to_have_count(1)
    expect(page.locator(f"#post-{serum.id} mark").first).to_have_text("精华液")
    expect(page).to_have_url(re.compile(re.escape(quote("精华液"))))  # hx-push-url
    assert page.evaluate("document.querySelectorAll('html').length") == 1  # a block, not a page
    page.screenshot(path=str(shots / "search-as-you-type.png"), full_page=True)

    page.locator(".tabs a", has_text="最新").click()
    expect(page).to_have_url(re.compile(r"sort=new"))
    expect(page.locator("article.search-result")).to_have_count(1)
    assert offsite_requests == []


def test_search_works_without_javascript(new_context, seeded):
    cream, serum = seeded
    page = new_context(mini_program=False, java_script_enabled=False).new_page()
    page.goto("/")
    page.locator(".topsearch input[name=q]").fill("干皮")
    page.locator(".topsearch input[name=q]").press("Enter")

    expect(page).to_have_url(re.compile(r"/search\?q="))
    expect(page.locator("article.search-result")).to_have_count(1)
    expect(page.locator(f"#post-{cream.id} .snippet mark")).to_have_text("干皮")
