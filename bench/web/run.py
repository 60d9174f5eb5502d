"""Serve the forum with gunicorn on 127.0.0.1 and measure its pages under load.

For each gunicorn setting (``-w 1 -k gthread --threads 8``, then ``-w 2``):
the home page ``/``, the biggest circle's feed ``/c/<slug>`` (newest and
hottest first), a post with about ten comments ``/p/<id>``, and the ceiling
(``bench/web/ceiling.py``, a constant page on the same settings).  Each is
warmed up, then loaded for a fixed time at 8 concurrent keep-alive
connections by ``wrk`` (Debian: ``apt-get install -y wrk``); the requests per
second and the p50/p99 latency are printed and saved.  Before that, each page
is requested once in-process with a ``before_cursor_execute`` counter, to
print the number of SQL queries it costs (anonymous and logged in), and the
feed queries' plans are printed with ``--explain``.

Requests go to 127.0.0.1 only, anonymous (as most readers arrive), with
``FORUM_RATELIMIT_ENABLED=off``.  The database is the one ``generate.py``
filled (same ``FORUM_*`` variables, same default instance folder).

    .venv/bin/python bench/web/run.py                 # ~6 minutes
    .venv/bin/python bench/web/run.py --duration 5 --warmup 1 --workers 1
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = REPO / "bench" / "out"
VENV_BIN = Path(sys.executable).parent
# --app-dir: serve a copy of the app (e.g. with a proposed change applied)
# against the same database, to compare.
_pre = argparse.ArgumentParser(add_help=False)
_pre.add_argument("--app-dir", default=str(REPO))
APP_DIR = Path(_pre.parse_known_args()[0].app_dir).resolve()
sys.path.insert(0, str(APP_DIR))
os.environ.setdefault("FORUM_INSTANCE_PATH", str(OUT / "instance"))
os.environ["FORUM_RATELIMIT_ENABLED"] = "off"

HOST = "127.0.0.1"
TARGETS = {"p99_ms": 50.0, "queries": 6, "circle_vs_ceiling": 0.10}


# -- what to request -----------------------------------------------------------
def pick_pages(app) -> dict[str, str]:
    """The pages to measure: the biggest circle, a post with ~10 comments in it."""
    from sqlalchemy import func, select

    from forum.extensions import db
    from forum.models import Circle, Post

    with app.app_context():
        circle = db.session.execute(
            select(Circle.id, Circle.slug, Circle.post_count)
            .where(Circle.deleted_at.is_(None))
            .order_by(Circle.post_count.desc())
            .limit(1)
        ).first()
        if circle is None or not circle.post_count:
            raise SystemExit("no posts: run bench/web/generate.py first")
        post_id = db.session.scalar(
            select(Post.id)
            .where(Post.circle_id == circle.id, Post.status == "published")
            .where(Post.deleted_at.is_(None))
            .order_by(func.abs(Post.comment_count - 10), Post.created_at.desc())
            .limit(1)
        )
    return {
        "home": "/",
        "circle": f"/c/{circle.slug}",
        "circle_hot": f"/c/{circle.slug}?sort=hot",
        "post": f"/p/{post_id}",
    }


# -- SQL queries per page, in-process --------------------------------------------
@contextmanager
def recording(engine):
    from sqlalchemy import event

    seen: list[tuple[str, object]] = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def count_queries(app, pages: dict[str, str], explain: bool) -> dict[str, dict]:
    """Each page once, anonymous and logged in, with the hot-topics cache
    cold (first request) and warm (second); the number of SQL statements."""
    from sqlalchemy import func, select

    from forum import cache
    from forum.extensions import db
    from forum.models import Like, User

    out: dict[str, dict] = {}
    with app.app_context():
        # A member who likes things, so the "liked" query has work to do.
        member_id = db.session.scalar(
            select(Like.user_id).group_by(Like.user_id).order_by(func.count().desc()).limit(1)
        )
        member = db.session.get(User, member_id)
        db.session.remove()
    for who in ("anonymous", "member"):
        client = app.test_client()
        if who == "member":
            with client.session_transaction() as session:
                session["_user_id"] = str(member.id)
                session["_fresh"] = True
        for name, path in pages.items():
            counts = []
            with app.app_context():
                engine = db.engine
            cache.clear()
            for _attempt in ("cold", "warm"):
                with recording(engine) as seen:
                    response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path} as {who}: HTTP {response.status_code}")
                counts.append(len(seen))
                if len(counts) == 1:
                    statements = list(seen)
            out.setdefault(name, {})[who] = {"cold": counts[0], "warm": counts[1]}
            if explain and who == "member":
                out[name]["plans"] = explain_plans(app, statements)
    return out


def explain_plans(app, statements) -> list[dict]:
    """EXPLAIN (QUERY PLAN) for each SELECT a page ran."""
    from sqlalchemy import text

    from forum.extensions import db

    plans = []
    with app.app_context():
        conn = db.session.connection()
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.driver_connection
        for statement, params in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                continue
            if sqlite:
                rows = raw.execute("EXPLAIN QUERY PLAN " + statement, params or ()).fetchall()
                plan = [f"{'  ' * (r[1] > 0)}{r[3]}" for r in rows]
            else:
                cursor = raw.cursor()
                cursor.execute("EXPLAIN " + statement, params or None)
                plan = [r[0] for r in cursor.fetchall()]
            plans.append({"sql": " ".join(statement.split()), "plan": plan})
        db.session.execute(text("SELECT 1"))
        db.session.remove()
    return plans


# -- serving --------------------------------------------------------------------
@contextmanager
def gunicorn(app_spec: str, chdir: Path, port: int, workers: int, threads: int):
    """Run gunicorn in the background; yield once it answers; stop it after."""
    command = [
        str(VENV_BIN / "gunicorn"),
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--chdir",
        str(chdir),
        "--log-level",
        "warning",
        app_spec,
    ]
    log = open(OUT / f"gunicorn-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        log.close()


# -- load -------------------------------------------------------------------------
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def cpu_times() -> list[int]:
    with open("/proc/stat") as fh:
        return [int(v) for v in fh.readline().split()[1:]]


def server_cpu_seconds(master_pid: int) -> float:
    """User + system CPU time of gunicorn's master and its workers."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if master_pid in (pid, ppid):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def wrk(url: str, seconds: int, connections: int, server_pid: int) -> dict:
    """One wrk run: requests/s, p50/p99 in ms, errors, the server's CPU time
    per request, and the CPU steal seen."""
    before = cpu_times()
    server_before = server_cpu_seconds(server_pid)
    result = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    after = cpu_times()
    server_cpu = server_cpu_seconds(server_pid) - server_before
    delta = [a - b for a, b in zip(after, before, strict=False)]
    text = result.stdout

    def latency(pct: str) -> float:
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        return round(float(m.group(1)) * UNITS[m.group(2)], 2)

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    requests = int(re.search(r"(\d+) requests in", text).group(1))
    return {
        "rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)), 1),
        "requests": requests,
        # CPU the server spent per request: what the page costs, whatever else
        # the machine was doing (the rps and latencies depend on that).
        "server_cpu_ms": round(1000 * server_cpu / max(requests, 1), 2),
        "p50_ms": latency("50"),
        "p99_ms": latency("99"),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
        # Steal: CPU time the hypervisor gave to other guests (noise).
        "cpu_steal_pct": round(100 * delta[7] / max(sum(delta), 1), 1) if len(delta) > 7 else None,
        "cpu_idle_pct": round(100 * delta[3] / max(sum(delta), 1), 1),
    }


def measure(url: str, args, server_pid: int) -> dict:
    wrk(url, args.warmup, args.connections, server_pid)
    runs = [wrk(url, args.duration, args.connections, server_pid) for _ in range(args.repeat)]
    runs.sort(key=lambda r: r["rps"])
    best = dict(runs[len(runs) // 2])  # the median run by rps
    if args.repeat > 1:
        best["rps_runs"] = [r["rps"] for r in runs]
    return best


def git_state() -> str:
    """The commit measured, and whether the working tree had changes."""
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


# -- main ---------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=15, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="gunicorn worker counts"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per page (median kept)")
    parser.add_argument("--port", type=int, default=18300)
    parser.add_argument("--pages", nargs="+", help="only these pages (home circle ...)")
    parser.add_argument("--explain", action="store_true", help="print the feed query plans")
    parser.add_argument("--app-dir", metavar="DIR", default=str(REPO), help="serve the app in DIR")
    args = parser.parse_args()
    if not 0 < args.duration <= 120 or not 1 <= args.warmup <= 30 or not 1 <= args.repeat <= 5:
        raise SystemExit("keep --duration ≤ 120 s, --warmup ≤ 30 s, --repeat ≤ 5")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian/Ubuntu)")

    from forum import create_app

    app = create_app()
    OUT.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # the bench database follows the code's migrations
    pages = pick_pages(app)
    if args.pages:
        pages = {k: v for k, v in pages.items() if k in args.pages}
    print(f"app: {APP_DIR}\ndatabase: {app.config['SQLALCHEMY_DATABASE_URI']}")
    print("pages: " + ", ".join(f"{k} {v}" for k, v in pages.items()), flush=True)

    queries = count_queries(app, pages, args.explain)
    print("\nSQL queries per page (cold = hot-topics cache empty, warm = second request)")
    print(f"  {'page':<12}{'anonymous':>14}{'logged in':>14}")
    for name, q in queries.items():
        a, m = q["anonymous"], q["member"]
        print(f"  {name:<12}{a['warm']:>8} ({a['cold']} cold){m['warm']:>8} ({m['cold']} cold)")
        for plan in q.get("plans", []):
            print(f"    {plan['sql'][:150]}")
            for line in plan["plan"]:
                print(f"      {line}")
    sys.stdout.flush()

    results: dict = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "loadavg_before": Path("/proc/loadavg").read_text().split()[:3],
        "git": git_state(),
        "app_dir": str(APP_DIR),
        "settings": vars(args),
        "pages": pages,
        "queries": {k: {w: v[w] for w in ("anonymous", "member")} for k, v in queries.items()},
        "runs": {},
    }
    for index, workers in enumerate(args.workers):
        label = f"-w {workers} -k gthread --threads {args.threads}"
        port = args.port + 2 * index
        rows: dict[str, dict] = {}
        with gunicorn("wsgi:app", APP_DIR, port, workers, args.threads) as server:
            for name, path in pages.items():
                rows[name] = measure(f"http://{HOST}:{port}{path}", args, server.pid)
                print(f"  [{label}] {name:<11} {rows[name]}", flush=True)
        with gunicorn("ceiling:app", HERE, port + 1, workers, args.threads) as server:
            rows["ceiling"] = measure(f"http://{HOST}:{port + 1}/", args, server.pid)
            print(f"  [{label}] {'ceiling':<11} {rows['ceiling']}", flush=True)
        results["runs"][label] = rows
    results["loadavg_after"] = Path("/proc/loadavg").read_text().split()[:3]
    report(results)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for path in (OUT / f"web-{stamp}.json", OUT / "web-latest.json"):
        path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"\nsaved {OUT / f'web-{stamp}.json'}")


def report(results: dict) -> None:
    print(f"\nload average before/after: {results['loadavg_before']} / {results['loadavg_after']}")
    for label, rows in results["runs"].items():
        ceiling = rows["ceiling"]["rps"]
        print(f"\ngunicorn {label}, {results['settings']['connections']} connections")
        ceiling_cpu = rows["ceiling"]["server_cpu_ms"]
        print(
            f"  {'page':<12}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'vs ceiling':>12}"
            f"{'cpu ms/req':>12}{'cpu vs ceiling':>16}{'steal':>8}"
        )
        for name, r in rows.items():
            ratio = r["rps"] / ceiling if ceiling else 0
            cpu_ratio = ceiling_cpu / r["server_cpu_ms"] if r["server_cpu_ms"] else 0
            print(
                f"  {name:<12}{r['rps']:>9.0f}{r['p50_ms']:>9.1f}{r['p99_ms']:>9.1f}"
                f"{ratio:>11.1%}{r['server_cpu_ms']:>12.2f}{cpu_ratio:>15.1%}"
                f"{r['cpu_steal_pct'] or 0:>7.0f}%"
            )
    print("\ntargets: circle ≥ 10 % of ceiling, ≤ 6 queries per page, p99 < 50 ms")
    for label, rows in results["runs"].items():
        circle, ceiling = rows.get("circle"), rows["ceiling"]
        if circle:
            ratio = circle["rps"] / ceiling["rps"]
            verdict = "met" if ratio >= TARGETS["circle_vs_ceiling"] else "MISSED"
            print(f"  {label}: circle/ceiling {ratio:.1%} {verdict}")
        slow = [n for n, r in rows.items() if r["p99_ms"] >= TARGETS["p99_ms"]]
        print(f"  {label}: p99 ≥ 50 ms on: {', '.join(slow) or 'none'}")
    heavy = [
        n
        for n, q in results["queries"].items()
        if max(q["anonymous"]["warm"], q["member"]["warm"]) > TARGETS["queries"]
    ]
    print(f"  pages over {TARGETS['queries']} queries: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main()
