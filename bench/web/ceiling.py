"""The ceiling: a minimal Flask app, one route, a small constant HTML page.

Served by the same gunicorn settings as the forum, it measures what the
server, Flask and the load generator cost on their own on this machine.
"""

from flask import Flask

app = Flask(__name__)

PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
    "<title>微社群 · ceiling</title></head><body><p>你好，微社群。</p></body></html>"
)


@app.get("/")
def index() -> str:
    return PAGE
