"""Error pages in the site's own style; HTMX requests get a toast instead."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .htmx import is_htmx

MESSAGES = {
    400: ("请求有误", "这个请求看不懂，返回上一页再试一次吧。"),
    403: ("没有权限", "你没有权限进行这个操作。"),
    404: ("找不到了", "这个页面不存在，或者内容已经被删除。"),
    405: ("请求有误", "这个操作不支持这样访问。"),
    413: ("文件太大", "上传的内容太大了。"),
    429: ("操作太频繁", "你的操作太快了，请稍后再试。"),
    500: ("出错了", "服务器开小差了，我们会尽快修好，请稍后再试。"),
}


def error_response(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    message = detail or message
    if is_htmx():
        body = render_template("errors/toast.html", title=title, message=message)
        return body, status, {"HX-Retarget": "#toast", "HX-Reswap": "innerHTML"}
    return render_template("errors/error.html", status=status, title=title, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return error_response(400, "页面已过期或来源不明，请刷新页面后重试。")

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        detail = error.description if error.code == 403 and _custom(error) else None
        return error_response(error.code, detail)

    @app.errorhandler(500)
    def _server(_error):
        return error_response(500)


def _custom(error: HTTPException) -> bool:
    return type(error).description != error.description
