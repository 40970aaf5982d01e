"""The HTTP benchmark: Co-Lab under gunicorn with production settings, measured from outside with wrk, beside a bare
Flask "hello" app served the same way in the same run.

    .venv/bin/python scripts/bench_http.py                          # PostgreSQL at 1x and 100x, SQLite at 1x
    .venv/bin/python scripts/bench_http.py --runs postgresql:1 sqlite:1 --duration 5
    .venv/bin/python scripts/bench_http.py --runs postgresql:1 --reuse --profile

For each run (a backend and a scale) it
1. seeds a throwaway database with scripts/seed_scale.py (--reuse keeps one seeded earlier with the same manifest);
2. in-process, with the Flask test client on the same database: counts the SQL queries of each page (a
   before_cursor_execute listener; the second request of each page is counted), and with --profile runs
   pyinstrument over a lesson and the 200-post thread;
3. starts gunicorn twice with gunicorn.conf.py, 2 sync workers each (WEB_CONCURRENCY=2, COLAB_THREADS=1; rate-limit
   counters in Redis): wsgi:app in production mode (COLAB_SECRET_KEY set, no COLAB_DEVELOPMENT; only
   COLAB_SECURE_COOKIES=false so plain HTTP on loopback works, and the rate limits raised so wrk is not throttled),
   and scripts/hello_app.py;
4. signs in as a seeded learner (and as the demo focal point for the cohort dashboard) through the real form;
5. measures the bytes a first and a repeat visit of a lesson download (the HTML and everything it references,
   compressed as served; a repeat visit re-fetches what the cache headers do not let a browser keep);
6. drives "hello" and each page with wrk -t2 -c16 (and -t2 -c2: one request per worker) for --duration seconds,
   with the session cookie and a browser's Accept-Encoding: requests/s, p50/p95/p99 (a wrk Lua `done` function
   prints the percentiles), non-2xx responses, and each page's throughput as a share of "hello".

Results are printed as Markdown tables and written as JSON (--out). wrk is Debian's package (apt-get install wrk).
"""
import argparse
import gzip
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zlib
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import seed_scale  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

PG_URL = os.environ.get("COLAB_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/colab_bench")
SQLITE_URL = "sqlite:///" + str(Path(tempfile.gettempdir()) / "colab_bench.sqlite")
REDIS_URL = os.environ.get("COLAB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
PAGES = ["home", "lesson", "course", "community", "thread", "dashboard", "search"]
AS_FOCAL_POINT = {"dashboard"}
ACCEPT_ENCODING = "gzip, deflate, br"
RELAXED = "1000000 per minute"
LIMITS = ("WRITE_RATE_LIMIT", "SIGN_IN_RATE_LIMIT", "SEARCH_RATE_LIMIT", "ACCOUNT_RATE_LIMIT")
WRK_LUA = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency.max))
end
"""
PROFILE_REQUESTS = 200


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", nargs="+", default=["postgresql:1", "postgresql:100", "sqlite:1"],
                        help="backend:scale pairs (default: postgresql:1 postgresql:100 sqlite:1)")
    parser.add_argument("--postgresql-url", default=PG_URL, help="the throwaway PostgreSQL database (dropped!)")
    parser.add_argument("--sqlite-url", default=SQLITE_URL, help="the throwaway SQLite database (deleted!)")
    parser.add_argument("--redis-url", default=REDIS_URL, help="rate-limit counters of the two workers")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page and concurrency")
    parser.add_argument("--pages", nargs="+", choices=PAGES, default=PAGES, help="the pages to drive (default: all)")
    parser.add_argument("--connections", nargs="+", type=int, default=[16, 2],
                        help="wrk -c values, each with -t2 (default: 16 2)")
    parser.add_argument("--reuse", action="store_true", help="keep a database seeded by an earlier run")
    parser.add_argument("--profile", action="store_true", help="profile a lesson and the thread with pyinstrument")
    parser.add_argument("--search-budget", type=float, default=300, help="see seed_scale.py --search-budget")
    parser.add_argument("--quiet-load", type=float, help="before each run, wait until the 1-minute load average is "
                        "below this (other work on the machine skews every figure)")
    parser.add_argument("--quiet-wait", type=float, default=900, help="the longest wait for --quiet-load (seconds)")
    parser.add_argument("--out", default=str(ROOT / "instance" / "bench-http.json"), help="JSON results")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (Debian's package)")
    results = {"date": time.strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(args.postgresql_url),
               "duration": args.duration,
               "runs": []}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for run in args.runs:
        backend, _, scale = run.partition(":")
        url = args.postgresql_url if backend == "postgresql" else args.sqlite_url
        results["runs"].append(bench_run(backend, scaled(url, int(scale or 1)), int(scale or 1), args))
        out.write_text(json.dumps(results, indent=2))
        print_tables(results["runs"][-1])
    print(f"\nresults written to {out}")


def scaled(url, scale):
    """One throwaway database per scale, so that --reuse keeps both: colab_bench -> colab_bench_100x."""
    parsed = make_url(url)
    database = parsed.database or ""
    if database.endswith(".sqlite"):
        return parsed.set(database=f"{database[:-len('.sqlite')]}_{scale}x.sqlite").render_as_string(False)
    return parsed.set(database=f"{database}_{scale}x").render_as_string(hide_password=False)


def machine(postgresql_url):
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    memory = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    versions = {}
    for name in ("flask", "sqlalchemy", "gunicorn", "psycopg", "flask-compress", "brotli"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(memory / 1024 / 1024, 1),
            "python": sys.version.split()[0], **versions, "wrk": (wrk.stdout or wrk.stderr).split("[")[0].strip(),
            "postgresql": postgres_version(postgresql_url)}


def postgres_version(url):
    try:
        from sqlalchemy import create_engine, text
        engine = create_engine(make_url(url).set(drivername="postgresql+psycopg", database="postgres"))
        with engine.connect() as connection:
            return connection.execute(text("SHOW server_version")).scalar()
    except Exception:  # noqa: BLE001 - only a label in the report
        return None


# --- one run ----------------------------------------------------------------------------------------------------

def wait_for_quiet(threshold, limit):
    """Wait (at most limit seconds) until the machine's 1-minute load average is below threshold."""
    started = time.time()
    while os.getloadavg()[0] >= threshold and time.time() - started < limit:
        time.sleep(10)
    return round(os.getloadavg()[0], 2), round(time.time() - started)


def bench_run(backend, url, scale, args):
    print(f"\n## {backend} at {scale}x\n", flush=True)
    waited = wait_for_quiet(args.quiet_load, args.quiet_wait) if args.quiet_load else (os.getloadavg()[0], 0)
    manifest_path = Path(tempfile.gettempdir()) / f"colab-bench-{backend}-{scale}.json"
    manifest = json.loads(manifest_path.read_text()) if args.reuse and manifest_path.exists() else None
    if manifest is not None and make_url(manifest["database_url"]).database == make_url(url).database:
        print(f"reusing the database seeded on {time.ctime(manifest_path.stat().st_mtime)}")
    else:
        manifest = seed_scale.seed(url, scale, search_budget=args.search_budget, log=print)
        manifest_path.write_text(json.dumps(manifest, indent=2))
    url = manifest["database_url"]
    result = {"backend": backend, "scale": scale, "seed": {k: manifest[k] for k in ("rows", "timings", "search",
                                                                                   "schema")},
              "pages": manifest["pages"], "load_at_start": waited}
    result["queries"] = count_queries(url, manifest)
    if args.profile:
        result["profile"] = profile_pages(url, manifest, backend, scale)
    secret = secrets.token_hex(32)
    with Server("colab", "wsgi:app", url, secret, args.redis_url) as colab, \
            Server("hello", "hello_app:app", url, secret, args.redis_url, pythonpath=ROOT / "scripts") as hello:
        cookies = {"learner": sign_in(colab.port, **manifest["learner"]),
                   "focal": sign_in(colab.port, **manifest["focal_point"])}
        for page in PAGES:
            status = get(colab.port, manifest["pages"][page], cookies["focal" if page in AS_FOCAL_POINT
                                                                     else "learner"])[0]
            if status != 200:
                raise SystemExit(f"{page} ({manifest['pages'][page]}) answered {status}, not 200")
        result["bytes"] = visit_weight(colab.port, manifest["pages"]["lesson"], cookies["learner"])
        result["wrk"] = {}
        for connections in args.connections:
            print(f"wrk -t2 -c{connections} -d{args.duration}s", flush=True)
            rows = {"hello": wrk(hello.port, "/", None, connections, args.duration)}
            for page in args.pages:
                cookie = cookies["focal" if page in AS_FOCAL_POINT else "learner"]
                rows[page] = wrk(colab.port, manifest["pages"][page], cookie, connections, args.duration)
                rows[page]["backlog_seconds"] = colab.settle()
            rows["hello (again)"] = wrk(hello.port, "/", None, connections, args.duration)
            result["wrk"][str(connections)] = rows
        result["server_errors"] = colab.errors()
    return result


# --- in-process: SQL queries and the profile ------------------------------------------------------------------

INSTANCE = tempfile.TemporaryDirectory(prefix="colab-bench-instance-")  # removed when the script ends


def inprocess_app(url):
    from colab import create_app
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SECURE_COOKIES": False,
                       **dict.fromkeys(LIMITS, RELAXED)}, instance_path=INSTANCE.name)


def signed_in_client(app, email, password):
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})
    assert response.status_code == 302, response.status_code
    return client


def count_queries(url, manifest):
    """SQL statements each page issues (its second request: the first may fill per-process caches)."""
    from sqlalchemy import event

    from colab.extensions import db
    app = inprocess_app(url)
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    clients = {"learner": signed_in_client(app, **manifest["learner"]),
               "focal": signed_in_client(app, **manifest["focal_point"])}
    counts = {}
    for page in PAGES:
        client = clients["focal" if page in AS_FOCAL_POINT else "learner"]
        for _ in range(2):
            statements.clear()
            response = client.get(manifest["pages"][page], headers={"Accept-Encoding": ACCEPT_ENCODING})
        assert response.status_code == 200, (page, response.status_code)
        counts[page] = len(statements)
    with app.app_context():
        db.engine.dispose()
    print("SQL queries per page: " + ", ".join(f"{page} {n}" for page, n in counts.items()), flush=True)
    return counts


def profile_pages(url, manifest, backend, scale):
    """pyinstrument over PROFILE_REQUESTS requests of the lesson and of the 200-post thread, in-process: the full
    tree goes to instance/profile-<page>-<backend>-<scale>.txt; the result keeps the time by package and the
    functions with the most time of their own."""
    from pyinstrument import Profiler

    from colab.extensions import db
    app = inprocess_app(url)
    client = signed_in_client(app, **manifest["learner"])
    found = {}
    for page in ("lesson", "thread"):
        path = manifest["pages"][page]
        for _ in range(5):
            client.get(path, headers={"Accept-Encoding": ACCEPT_ENCODING})
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        profiler.start()
        for _ in range(PROFILE_REQUESTS):
            client.get(path, headers={"Accept-Encoding": ACCEPT_ENCODING})
        session = profiler.stop()
        elapsed = time.perf_counter() - started
        target = ROOT / "instance" / f"profile-{page}-{backend}-{scale}.txt"
        target.write_text(profiler.output_text(unicode=False, color=False, show_all=False, timeline=False))
        found[page] = {"ms_per_request": round(elapsed / PROFILE_REQUESTS * 1000, 2),
                       **summarise_profile(session.root_frame(), elapsed), "tree": str(target)}
        print(f"profile of {page}: {found[page]['ms_per_request']} ms a request in-process; "
              f"{', '.join(f'{k} {v}%' for k, v in list(found[page]['by_package'].items())[:6])}", flush=True)
    with app.app_context():
        db.engine.dispose()
    return found


PACKAGES = [  # (label, what a frame's file path contains), first match wins
    ("colab templates (Jinja)", "/colab/templates/"), ("colab code", "/colab/"), ("jinja2", "/jinja2/"),
    ("sqlalchemy", "/sqlalchemy/"), ("psycopg (driver, waiting on PostgreSQL)", "/psycopg/"),
    ("sqlite3 (driver)", "/sqlite3/"), ("flask_compress / brotli / gzip", "flask_compress"),
    ("brotli", "brotli"), ("gzip", "/gzip.py"), ("zlib", "zlib"), ("flask_babel / babel", "babel"),
    ("flask_login", "/flask_login/"), ("flask_limiter / limits", "limit"), ("flask_wtf / wtforms", "wtf"),
    ("werkzeug", "/werkzeug/"), ("flask", "/flask/"), ("markupsafe", "markupsafe"), ("python stdlib", "/lib/python3"),
]


def summarise_profile(root, elapsed):
    """Self time by package; the 20 functions with the most self time; the 20 colab functions with the most time
    inclusive of what they call (share of the total, ms per request). pyinstrument keeps a frame's own time in a
    synthetic "[self]" child, counted here to that frame; a built-in (C) function counts to its caller's package."""
    by_package, by_function, inclusive = {}, {}, {}

    def walk(frame, parent, package_path, colab_above):
        owner = parent if frame.is_synthetic and parent is not None else frame
        path = owner.file_path or ""
        if path and not path.startswith("<"):
            package_path = path
        if frame.is_synthetic or not frame.children:
            label = next((name for name, needle in PACKAGES if needle in package_path), "other")
            by_package[label] = by_package.get(label, 0) + frame.time
            key = f"{owner.function} ({short(path)}:{owner.line_no})"
            by_function[key] = by_function.get(key, 0) + frame.time
        if not frame.is_synthetic and "/colab/" in path and "/colab/templates/" not in path:
            key = f"{frame.function} ({short(path)})"
            if key not in colab_above:
                inclusive[key] = inclusive.get(key, 0) + frame.time
                colab_above = colab_above | {key}
        for child in frame.children:
            walk(child, frame, package_path, colab_above)

    walk(root, None, "", frozenset())
    total = sum(by_package.values()) or 1

    def top(table, count=20):
        return [(name, round(100 * v / total, 1), round(v / PROFILE_REQUESTS * 1000, 3))
                for name, v in sorted(table.items(), key=lambda i: -i[1])[:count]]

    return {"by_package": {k: round(100 * v / total, 1) for k, v in sorted(by_package.items(), key=lambda i: -i[1])},
            "top_functions": top(by_function), "colab_inclusive": top(inclusive, 25)}


def short(path):
    for marker in ("site-packages/", "/colab/", "/lib/python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1] if marker != "/colab/" else "colab/" + path.split(marker, 1)[1]
    return path


# --- the servers -----------------------------------------------------------------------------------------------

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn -c gunicorn.conf.py <app> on a free loopback port, 2 sync workers, production settings."""

    def __init__(self, name, target, database_url, secret, redis_url, pythonpath=None):
        self.name, self.target, self.port = name, target, free_port()
        self.log = Path(tempfile.gettempdir()) / f"colab-bench-{name}.log"
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("COLAB_") and key != "WEB_CONCURRENCY"}
        env.update({"COLAB_SECRET_KEY": secret, "COLAB_DATABASE_URL": database_url, "COLAB_SECURE_COOKIES": "false",
                    "COLAB_RATELIMIT_STORAGE_URI": redis_url, "WEB_CONCURRENCY": "2", "COLAB_THREADS": "1",
                    "COLAB_BIND": f"127.0.0.1:{self.port}",
                    **{f"COLAB_{name}": RELAXED for name in LIMITS}})
        # No control socket: gunicorn 27 puts one at ~/.gunicorn/gunicorn.ctl, shared by every server on the machine.
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket"]
        if pythonpath:
            command += ["--pythonpath", str(pythonpath)]
        self.command, self.env = [*command, target], env

    def __enter__(self):
        self.output = self.log.open("w")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.output,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} did not start:\n{self.log.read_text()[-3000:]}")
            try:
                get(self.port, "/", None)
                return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer within 30 s:\n{self.log.read_text()[-3000:]}")

    def settle(self, limit=600):
        """Wait until the workers have answered what wrk left queued (a slow page leaves a backlog when wrk stops):
        two quick answers in a row. Returns the seconds waited."""
        started, quick = time.time(), 0
        while quick < 2 and time.time() - started < limit:
            mark = time.time()
            get(self.port, "/static/icon.svg", None, timeout=limit)
            quick = quick + 1 if time.time() - mark < 0.5 else 0
        return round(time.time() - started, 1)

    def errors(self):
        """Lines of the server's log that tell of an error (tracebacks, 5xx in the access log)."""
        text = self.log.read_text(errors="replace")
        return {"tracebacks": text.count("Traceback"),
                "5xx": len(re.findall(r'" 5\d\d ', text))}

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)  # the gunicorn arbiter this object started; it stops its workers
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.output.close()


# --- HTTP -----------------------------------------------------------------------------------------------------

def get(port, path, cookie, headers=None, method="GET", body=None, timeout=30):
    """(status, headers as a list, body bytes as sent, header bytes) of one request; never follows redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    sent = {"Accept-Encoding": ACCEPT_ENCODING, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) colab-bench",
            **(headers or {})}
    if cookie:
        sent["Cookie"] = cookie
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    items = response.getheaders()
    header_bytes = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + sum(
        len(f"{name}: {value}\r\n") for name, value in items) + 2
    connection.close()
    return response.status, items, data, header_bytes


def cookies_from(items, jar):
    for name, value in items:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            jar[key.strip()] = val.strip()
    return jar


def cookie_header(jar):
    return "; ".join(f"{key}={value}" for key, value in jar.items())


def sign_in(port, email, password):
    """Sign in through the form (CSRF token, session cookie); return the Cookie header a browser would send."""
    status, items, body, _ = get(port, "/sign-in", None, headers={"Accept-Encoding": "identity"})
    jar = cookies_from(items, {})
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', body.decode()).group(1)
    form = urlencode({"csrf_token": token, "email": email, "password": password})
    status, items, body, _ = get(port, "/sign-in", cookie_header(jar), method="POST", body=form,
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise SystemExit(f"signing in as {email} answered {status}")
    return cookie_header(cookies_from(items, jar))


def decoded(items, data):
    encoding = dict((k.lower(), v) for k, v in items).get("content-encoding", "")
    if encoding == "br":
        import brotli
        return brotli.decompress(data)
    if encoding == "gzip":
        return gzip.decompress(data)
    if encoding == "deflate":
        return zlib.decompress(data)
    return data


class References(HTMLParser):
    """What a browser fetches for a page: stylesheets, icons, scripts, images, preloads."""

    def __init__(self):
        super().__init__()
        self.found, self.has_icon = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("href"):
            rel = (attrs.get("rel") or "").lower().split()
            if attrs["href"].startswith("data:"):  # inside the page: nothing to fetch
                self.has_icon = self.has_icon or "icon" in rel
                return
            if {"stylesheet", "icon", "preload", "manifest", "apple-touch-icon"} & set(rel):
                self.found.append(attrs["href"])
                self.has_icon = self.has_icon or "icon" in rel
        elif tag in ("script", "img", "source", "video", "audio", "iframe") and attrs.get("src"):
            self.found.append(attrs["src"])


def cache_lifetime(items):
    headers = dict((k.lower(), v) for k, v in items)
    control = headers.get("cache-control", "")
    if "no-store" in control or "no-cache" in control:
        return 0, headers
    match = re.search(r"max-age=(\d+)", control)
    return (int(match.group(1)) if match else 0), headers


def visit_weight(port, path, cookie):
    """Bytes a browser downloads for a first and a repeat visit of the page: responses' headers and bodies as
    sent (compressed). A repeat visit keeps what the cache headers allow (max-age); everything else is asked
    again, conditionally when it carries an ETag or Last-Modified (a 304 then costs its headers)."""
    first, repeat, queue, seen = [], [], [(path, "page")], set()
    while queue:
        target, kind = queue.pop(0)
        if target in seen:
            continue
        seen.add(target)
        parts = urlsplit(urljoin(f"http://127.0.0.1:{port}{path}", target))
        if parts.hostname != "127.0.0.1" or parts.port != port:
            first.append({"url": target, "kind": kind, "status": "other host", "body": 0, "headers": 0})
            continue
        local = parts.path + (f"?{parts.query}" if parts.query else "")
        status, items, data, header_bytes = get(port, local, cookie)
        headers = dict((k.lower(), v) for k, v in items)
        first.append({"url": local, "kind": kind, "status": status, "body": len(data), "headers": header_bytes,
                      "encoding": headers.get("content-encoding", ""), "type": headers.get("content-type", ""),
                      "cache": headers.get("cache-control", "")})
        text = decoded(items, data)
        if kind == "page":
            parser = References()
            parser.feed(text.decode("utf-8", "replace"))
            queue += [(ref, "asset") for ref in parser.found]
            if not parser.has_icon:
                queue.append(("/favicon.ico", "favicon (implicit)"))
        if "css" in headers.get("content-type", ""):
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", text.decode("utf-8", "replace")):
                if not ref.startswith("data:"):
                    queue.append((urljoin(local, ref), "asset (from CSS)"))
        lifetime, _ = cache_lifetime(items)
        if lifetime >= 3600 and status == 200:
            continue  # a browser keeps it
        conditional = {}
        if headers.get("etag"):
            conditional["If-None-Match"] = headers["etag"]
        if headers.get("last-modified"):
            conditional["If-Modified-Since"] = headers["last-modified"]
        status, items, data, header_bytes = get(port, local, cookie, headers=conditional)
        repeat.append({"url": local, "kind": kind, "status": status, "body": len(data), "headers": header_bytes})
    total = lambda rows: sum(row["body"] + row["headers"] for row in rows)  # noqa: E731
    bodies = lambda rows: sum(row["body"] for row in rows)  # noqa: E731
    summary = {"first": {"total": total(first), "bodies": bodies(first), "requests": len(first), "items": first},
               "repeat": {"total": total(repeat), "bodies": bodies(repeat), "requests": len(repeat), "items": repeat}}
    print(f"lesson: first visit {summary['first']['total']:,} bytes ({summary['first']['bodies']:,} of bodies, "
          f"{len(first)} requests); repeat visit {summary['repeat']['total']:,} bytes "
          f"({summary['repeat']['bodies']:,} of bodies, {len(repeat)} requests)", flush=True)
    return summary


# --- wrk ------------------------------------------------------------------------------------------------------

def wrk(port, path, cookie, connections, duration):
    load = os.getloadavg()[0]
    script = Path(tempfile.gettempdir()) / "colab-bench-percentiles.lua"
    script.write_text(WRK_LUA)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s",
               "-s", str(script), "-H", f"Accept-Encoding: {ACCEPT_ENCODING}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                            check=True).stdout
    found = json.loads(output.split("BENCH-JSON ", 1)[1].splitlines()[0])
    row = {"rps": round(found["requests"] / (found["duration_us"] / 1e6), 1),
           "p50": found["p50"] / 1000, "p90": found["p90"] / 1000, "p95": found["p95"] / 1000,
           "p99": found["p99"] / 1000, "max": found["max"] / 1000, "requests": found["requests"],
           "non_2xx": found["status"], "socket_errors": found["connect"] + found["read"] + found["write"],
           "timeouts": found["timeout"], "bytes_per_request": round(found["bytes"] / max(found["requests"], 1)),
           "load_before": round(load, 2), "duration_s": duration}
    print(f"  {path:55} {row['rps']:8.1f} req/s  p50 {row['p50']:7.1f}  p95 {row['p95']:7.1f}  "
          f"p99 {row['p99']:7.1f} ms  {row['requests']} requests, non-2xx {row['non_2xx']}, timeouts "
          f"{row['timeouts']}, socket errors {row['socket_errors']}, load {load:.1f}", flush=True)
    return row


# --- the report -----------------------------------------------------------------------------------------------

def hello_rps(rows):
    values = [rows[key]["rps"] for key in ("hello", "hello (again)") if key in rows]
    return sum(values) / len(values)


def print_tables(run):
    print(f"\n### {run['backend']} at {run['scale']}x\n")
    for connections, rows in run["wrk"].items():
        hello = hello_rps(rows)
        print(f"wrk -t2 -c{connections}; hello: {hello:,.0f} req/s (mean of before and after)\n")
        print("| page | req/s | % of hello | p50 ms | p95 ms | p99 ms | SQL queries | errors |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for page, row in rows.items():
            share = f"{100 * row['rps'] / hello:.1f} %" if not page.startswith("hello") else ""
            errors = row["non_2xx"] + row["timeouts"] + row["socket_errors"]
            if row["requests"] == 0:
                print(f"| {page} | 0 | 0 % | > {row['duration_s']} s | | | {run['queries'].get(page, '')} | "
                      f"no answer in {row['duration_s']} s |")
                continue
            print(f"| {page} | {row['rps']:,.1f} | {share} | {row['p50']:.1f} | {row['p95']:.1f} | {row['p99']:.1f} "
                  f"| {run['queries'].get(page, '')} | {errors} |")
        print()
    weight = run["bytes"]
    print(f"Lesson: first visit {weight['first']['total']:,} bytes in {weight['first']['requests']} responses; "
          f"repeat visit {weight['repeat']['total']:,} bytes in {weight['repeat']['requests']}.")


if __name__ == "__main__":
    main()
