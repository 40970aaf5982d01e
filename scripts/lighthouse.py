"""Lighthouse (npm's lighthouse, pinned, with Debian's Chromium) on the main pages in mobile mode; prints a Markdown
table for docs/performance.md.

Serve the demo first (`make run`, or any Co-Lab with the demo accounts), then:

    .venv/bin/python scripts/lighthouse.py [--base http://127.0.0.1:5000]

Lighthouse is installed into .tools/lighthouse on first use. Signed-in pages are audited as the demo learner,
whose session cookie is sent with each request.
"""
import argparse
import http.cookiejar
import json
import re
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = "12.8.2"
TOOL = ROOT / ".tools" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
LEARNER = ("learner@colab.example", "together-for-change")
PAGES = [  # (name, path, signed in)
    ("home, signed out", "/", False), ("sign in", "/sign-in", False), ("home, signed in", "/", True),
    ("catalogue", "/courses/", True), ("course", "/courses/power-patriarchy-feminism/", True),
    ("lesson", "/courses/power-patriarchy-feminism/faces-of-power/", True),
    ("community", "/communities/dialogues/", True), ("thread", "/communities/dialogues/threads/1/", True),
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def install():
    binary = TOOL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(["npm", "install", "--prefix", str(TOOL), "--no-audit", "--no-fund", "--silent",
                        f"lighthouse@{VERSION}"], check=True)
    return binary


def session_cookie(base):
    """Sign in as the demo learner through the real form; the Cookie header of that session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/sign-in").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    form = {"email": LEARNER[0], "password": LEARNER[1], "csrf_token": token}
    opener.open(f"{base}/sign-in", urllib.parse.urlencode(form).encode())
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def audit(binary, url, cookie, folder):
    report = Path(folder) / "report.json"
    command = [str(binary), url, "--quiet", "--form-factor=mobile", f"--only-categories={','.join(CATEGORIES)}",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
               "--output=json", f"--output-path={report}"]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
    subprocess.run(command, check=True, env={"CHROME_PATH": CHROMIUM, "PATH": "/usr/bin:/bin"})
    return json.loads(report.read_text())


def row(name, found):
    scores = [str(round(found["categories"][key]["score"] * 100)) for key in CATEGORIES]
    audits = found["audits"]
    timings = [audits[key]["displayValue"] for key in ("first-contentful-paint", "largest-contentful-paint",
                                                       "total-blocking-time", "cumulative-layout-shift")]
    weight = f"{audits['total-byte-weight']['numericValue'] / 1024:.1f} KiB"
    return f"| {name} | {' | '.join(scores)} | {' | '.join(timings)} | {weight} |"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    args = parser.parse_args(argv)
    binary = install()
    cookie = session_cookie(args.base)
    print("| page | performance | accessibility | best practices | SEO | FCP | LCP | TBT | CLS | bytes |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for name, path, signed_in in PAGES:
            print(row(name, audit(binary, args.base + path, cookie if signed_in else None, folder)), flush=True)


if __name__ == "__main__":
    sys.exit(main())
