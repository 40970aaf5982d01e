"""Measure page weight (raw and compressed), SQL queries and server time for the main pages.

Runs the app in-process on a throwaway SQLite database with the real content/, signed in as a
learner, and prints a Markdown table. Run with `make bench`; copy the table to docs/benchmarks.md.
"""
import gzip
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from colab import create_app  # noqa: E402
from colab.accounts.service import ensure_regions  # noqa: E402
from colab.courses.sync import sync_content  # noqa: E402
from colab.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from colab.extensions import db  # noqa: E402

RUNS = 30
COURSE = "/courses/power-patriarchy-feminism/"
PAGES = ["/", "/courses/", COURSE, COURSE + "faces-of-power/", COURSE + "the-patriarchal-dividend/",
         "/communities/", "/communities/dialogues/", "/communities/dialogues/threads/1/", "/notifications/",
         "/account", "/sign-in"]


def main():
    instance = tempfile.mkdtemp(prefix="colab-bench-")
    app = create_app({"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}, instance_path=instance)
    with app.app_context():
        db.create_all()
        ensure_regions()
        sync_content(ROOT / "content")
        load_demo()
        db.session.commit()
        queries = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: queries.append(1))
    client = app.test_client()
    client.post("/sign-in", data={"email": "learner@colab.example", "password": DEMO_PASSWORD})
    print("| page | HTML bytes | gzip bytes | SQL queries | median ms | p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for url in PAGES:
        if url == "/sign-in":
            client.post("/sign-out")
        times = []
        for _ in range(RUNS):
            queries.clear()
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        body = response.get_data()
        p95 = sorted(times)[int(len(times) * 0.95) - 1]
        print(f"| `{url}` | {len(body):,} | {len(gzip.compress(body)):,} | {len(queries)} | "
              f"{statistics.median(times):.1f} | {p95:.1f} |")
    css = (ROOT / "colab/static/style.css").read_bytes()
    js = (ROOT / "colab/static/colab.js").read_bytes()
    print(f"\nstyle.css: {len(css):,} bytes ({len(gzip.compress(css)):,} gzip); "
          f"colab.js: {len(js):,} bytes ({len(gzip.compress(js)):,} gzip); "
          f"web fonts: 0; requests to other hosts: {len(re.findall(r'https?://', css.decode()))}")


if __name__ == "__main__":
    main()
