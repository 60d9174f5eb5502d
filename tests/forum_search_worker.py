"""A second forum process for tests/test_search_forum.py (not a test module).

``python tests/forum_search_worker.py FOLDER PREFIX COUNT`` opens the app on the
SQLite file and index directory in FOLDER (as another gunicorn worker would),
waits for FOLDER/go, then writes COUNT posts by the member ``PREFIX`` through
the real service, each committing and applying the outbox on its own.  Prints
``done N`` at the end.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from forum import create_app
from forum.extensions import db
from forum.models import Circle, User
from forum.services import posts


def main(folder: str, prefix: str, count: int) -> None:
    root = Path(folder)
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(root / f"instance-{prefix}"),
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'forum.db'}",
            "SEARCH_DIR": str(root / "search"),
            "SEARCH_LOCK_TIMEOUT": 0.3,
            "RATELIMIT_ENABLED": False,
            "CACHE_DISABLED": True,
        }
    )
    with app.app_context():
        from forum import search_index

        search_index.backend()  # load the analyzer before the race starts
        print("ready", flush=True)
        while not (root / "go").exists():
            time.sleep(0.01)
        author = db.session.query(User).filter_by(username=prefix).one()
        circle = db.session.query(Circle).filter_by(slug="race").one()
        for i in range(count):
            posts.create(
                author, circle, "", f"并发写入的第{i}篇帖子 来自{prefix}号进程 暗号{prefix}x{i}"
            )
    print(f"done {count}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
