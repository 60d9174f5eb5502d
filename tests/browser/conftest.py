"""Browser fixtures: the real app on a live port, Debian's headless Chromium, a phone.

``live_server`` serves the app of the shared ``app`` fixture (so ``make`` seeds the
very database the browser reads) with CSRF on, as in production. ``phone`` is a
375 px page inside a simulated WeChat mini-program web-view; ``new_context``
makes further contexts (a second member, JavaScript off). Every context aborts
requests that leave 127.0.0.1 and lists them in ``offsite_requests``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
MINI_PROGRAM_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/126.0.6478.188 Mobile Safari/537.36 "
    "XWEB/1260117 MMWEBSDK/20240501 MMWEBID/2585 MicroMessenger/8.0.50.2701(0x28003253) "
    "WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64 miniProgram/wx0000000000000000"
)
PLAIN_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/126.0.6478.188 Mobile Safari/537.36"
)
# Stands in for the JSSDK: webview.js finds wx.miniProgram and loads nothing, and
# every bridge call is recorded in window.__wxCalls for the test to read.
WX_STUB = """
window.__wxjs_environment = 'miniprogram';
window.__wxCalls = [];
window.wx = {miniProgram: {
  navigateTo: function (options) { window.__wxCalls.push({api: 'navigateTo', options}); },
  postMessage: function (message) { window.__wxCalls.push({api: 'postMessage', message}); },
  getEnv: function (callback) { callback({miniprogram: true}); }
}};
"""
OFFSITE = re.compile(r"^(?!https?://127\.0\.0\.1[:/])")
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@dataclass(frozen=True)
class LiveServer:
    url: str  # base URL, no trailing slash
    app: Flask


@pytest.fixture
def app_config(app_config) -> dict:
    """The shared test settings, but with CSRF on: browsers send real tokens."""
    return {**app_config, "TESTING": False, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The app served on 127.0.0.1 (a free port) from a background thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def offsite_requests() -> list[str]:
    """URLs the pages tried to fetch beyond 127.0.0.1 (all aborted)."""
    return []


@pytest.fixture
def new_context(browser, live_server, offsite_requests):
    """Make a browser context on the live server: ``new_context(mini_program=True,
    **playwright_options)``. A mini-program context has the phone's shape, WeChat's
    user agent and the ``wx`` stub; otherwise a plain phone browser. Relative URLs
    in ``page.goto`` resolve against the server."""
    contexts = []

    def block(route) -> None:
        offsite_requests.append(route.request.url)
        route.abort()

    def make(mini_program: bool = True, **options):
        settings = {
            **PHONE,
            "user_agent": MINI_PROGRAM_UA if mini_program else PLAIN_UA,
            "base_url": live_server.url,
            **options,
        }
        context = browser.new_context(**settings)
        context.set_default_timeout(5000)
        context.route(OFFSITE, block)
        if mini_program:
            context.add_init_script(WX_STUB)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_context):
    """A page at 375×812 inside the (simulated) WeChat mini-program web-view."""
    return new_context().new_page()


@pytest.fixture
def shots() -> Path:
    """Where screenshots go (gitignored); name them after the step they show."""
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS
