"""WeChat's text security check (``msg_sec_check``), a second screen after our own.

:func:`check` is called by :func:`forum.services.screening.screen` after the
moderation verdict.  It asks WeChat only when ``WECHAT_SECCHECK`` is on and the
author has a WeChat OpenID (WeChat checks text against a member who used the
mini-program), for posts (scene 3), comments (scene 2) and profile text (scene 1).

- ``pass``: None (nothing to add);
- ``risky``: raises :class:`~forum.services.screening.Blocked`, naming WeChat's
  category;
- ``review``: a ``review`` decision whose ``detail["wechat"]`` carries WeChat's label
  and trace id, for the moderation queue item;
- WeChat unreachable, slow, out of quota, or any other error: a ``review`` decision
  too, with the error in ``detail`` — a post is never published unchecked, and never
  lost.
"""

from __future__ import annotations

import logging

from flask import current_app

from ..models import User
from ..wechat_api import SecCheckResult, SecCheckScene, WeChatError

# screening calls this module: refer to it as a module, so either may load first.
from . import queue_items, screening, wechat

log = logging.getLogger(__name__)

UNCHECKED = "微信内容安全检测暂时无法完成，已转人工审核"
SCENES: dict[str, SecCheckScene] = {
    "post": SecCheckScene.FORUM,
    "comment": SecCheckScene.COMMENT,
    "profile": SecCheckScene.PROFILE,
}


def enabled() -> bool:
    return bool(current_app.config.get("WECHAT_SECCHECK"))


def check(author: User, kind: str, fields: dict[str, str]) -> screening.Decision | None:
    """WeChat's opinion of ``fields`` written by ``author`` as a ``kind``.

    None when WeChat was not asked or passed the text; a ``review`` decision; or
    raises :class:`Blocked` for ``risky``."""
    scene = SCENES.get(kind)
    openid = getattr(author, "wechat_openid", None)
    if scene is None or not openid or not enabled():
        return None
    content = "\n".join(value for value in fields.values() if value and value.strip())
    if not content:
        return None
    try:
        result = wechat.seccheck_client().msg_sec_check(openid, scene, content)
    except WeChatError as error:
        # Never log the text or the openid: the errcode and WeChat's words suffice.
        log.warning("msg_sec_check failed (%s, scene %s): %s", kind, int(scene), error)
        detail = {
            "error": "unavailable" if error.errcode is None else error.errcode,
            "errmsg": error.errmsg,
            "scene": int(scene),
        }
        return _decision("review", fields, UNCHECKED, "微信检测未完成", {}, detail)
    if result.suggest == "pass":
        return None
    spans = _spans(fields, result.keywords)
    detail = _describe(result, scene)
    if result.suggest == "risky":
        message = f"内容未通过微信安全检测（{result.label_name}），请修改后再发布"
        decision = _decision("block", fields, message, result.label_name, spans, detail)
        raise screening.Blocked(_errors(fields, spans, message), decision)
    message = f"微信内容安全建议人工复核（{result.label_name}）"
    return _decision("review", fields, message, result.label_name, spans, detail)


def _decision(
    action: str,
    fields: dict[str, str],
    message: str,
    category: str,
    spans: dict[str, list[tuple[int, int]]],
    detail: dict,
) -> screening.Decision:
    """A decision in the screen's terms: the queue reads ``findings`` and ``detail``."""
    terms = detail.get("keywords") or [None]
    findings = [
        {"kind": "wechat", "category": category, "action": action, "message": message, "term": t}
        for t in terms
    ]
    return screening.Decision(
        action=action,
        fields=dict(fields),
        reasons=[message],
        spans=spans,
        severity=queue_items.severity(findings),
        detail={"wechat": detail},
        original=dict(fields),
        findings=findings,
        source="wechat",
    )


def _errors(fields: dict[str, str], spans: dict, message: str) -> dict[str, str]:
    """The message under each field with WeChat's keywords marked, else under the body."""
    errors = {
        name: screening.FieldError(message, fields[name], marked) for name, marked in spans.items()
    }
    return errors or {_primary(fields): screening.FieldError(message)}


def _describe(result: SecCheckResult, scene: SecCheckScene) -> dict:
    return {
        "suggest": result.suggest,
        "label": result.label,
        "label_name": result.label_name,
        "trace_id": result.trace_id,
        "keywords": list(result.keywords),
        "scene": int(scene),
    }


def _spans(fields: dict[str, str], keywords: tuple[str, ...]) -> dict[str, list[tuple[int, int]]]:
    """Where WeChat's keywords occur in each field, for highlighting."""
    spans: dict[str, list[tuple[int, int]]] = {}
    for name, value in fields.items():
        found = []
        for keyword in keywords:
            start = value.find(keyword)
            while start != -1:
                found.append((start, start + len(keyword)))
                start = value.find(keyword, start + len(keyword))
        if found:
            spans[name] = sorted(found)
    return spans


def _primary(fields: dict[str, str]) -> str:
    return "body" if "body" in fields else next(iter(fields), "body")
