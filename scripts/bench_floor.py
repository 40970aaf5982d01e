"""The floor under a signed-in page: in-process times of a bare Flask "hello", of a signed-in request that renders
nothing, of one that renders only the site's chrome (base.html: header and footer), of a lesson and a thread, and of
brotli alone on the lesson's HTML, each as a share of "hello". It shows how far a page's throughput can rise before
its own work starts (docs/performance.md, "The floor under a signed-in page").

Runs on a database seeded by the HTTP benchmark (`scripts/bench_http.py --runs sqlite:1` leaves it, with its
manifest in the temporary folder), signed in as its learner, through the test client: no HTTP, no gunicorn, no wrk
sharing the CPUs, so every share here is kinder than the benchmark's.

    .venv/bin/python scripts/bench_floor.py [--manifest /tmp/colab-bench-sqlite-1.json] [--requests 300]
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import brotli
from flask import Flask, render_template

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_http  # noqa: E402 - the benchmark's app, sign-in and Accept-Encoding

HEADERS = {"Accept-Encoding": bench_http.ACCEPT_ENCODING}


def per_request_ms(client, path, count):
    """Milliseconds a request, after 20 to warm the process's caches."""
    for _ in range(20):
        client.get(path, headers=HEADERS)
    start = time.perf_counter()
    for _ in range(count):
        response = client.get(path, headers=HEADERS)
    assert response.status_code == 200, (path, response.status_code)
    return (time.perf_counter() - start) / count * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", default=str(Path(tempfile.gettempdir()) / "colab-bench-sqlite-1.json"))
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    manifest = json.loads(Path(args.manifest).read_text())
    app = bench_http.inprocess_app(manifest["database_url"])
    app.add_url_rule("/floor/nothing", "floor_nothing", lambda: "")
    app.add_url_rule("/floor/chrome", "floor_chrome", lambda: render_template("base.html"))
    client = bench_http.signed_in_client(app, **manifest["learner"])
    hello = Flask("hello")
    hello.add_url_rule("/", "hello", lambda: "Hello, World!")
    pages = manifest["pages"]
    rows = {"hello (bare Flask)": per_request_ms(hello.test_client(), "/", args.requests),
            "signed in, renders nothing (session, person, headers)": per_request_ms(client, "/floor/nothing",
                                                                                    args.requests),
            "signed in, the site's chrome only (base.html)": per_request_ms(client, "/floor/chrome", args.requests),
            "lesson": per_request_ms(client, pages["lesson"], args.requests // 2),
            "200-post thread": per_request_ms(client, pages["thread"], args.requests // 2)}
    html = client.get(pages["lesson"]).get_data()
    start = time.perf_counter()
    for _ in range(args.requests):
        brotli.compress(html, quality=app.config["COMPRESS_BR_LEVEL"], mode=app.config["COMPRESS_BR_MODE"])
    elapsed = time.perf_counter() - start
    rows[f"brotli alone, the lesson's {len(html):,} bytes of HTML"] = elapsed / args.requests * 1000
    print("| request | ms | share of hello |\n| --- | ---: | ---: |")
    for name, ms in rows.items():
        print(f"| {name} | {ms:.2f} | {rows['hello (bare Flask)'] / ms * 100:.1f} % |")


if __name__ == "__main__":
    main()
