"""Measure page weight (raw and compressed), SQL queries and server time for the main pages.

Runs the app in-process on a throwaway SQLite database with the real content/, signed in as a
learner, and prints a Markdown table; then builds a 2,000-learner cohort and times its dashboard
and CSV, signed in as the demo admin; then builds 100x the demo's searchable data and times search; then
downloads each real course's offline package in each language.
Run with `make bench`; copy the tables to docs/benchmarks.md. `scripts/bench.py package` runs the package part
alone, with the bytes of reading offline in the browser (docs/performance.md, "Offline package").
"""
import gzip
import io
import re
import statistics
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import brotli
from sqlalchemy import event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from colab import create_app  # noqa: E402
from colab.accounts.models import User  # noqa: E402
from colab.accounts.service import create_user, ensure_regions  # noqa: E402
from colab.communities.models import Cohort, Community, Post, PostStatus, Thread  # noqa: E402
from colab.courses.models import Course, Enrolment, Lesson, LessonProgress, LessonText, Module, Response  # noqa: E402
from colab.courses.service import outline  # noqa: E402
from colab.courses.sync import sync_content  # noqa: E402
from colab.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from colab.directory.models import DirectoryProfile, Organisation  # noqa: E402
from colab.events.models import Event, EventScope  # noqa: E402
from colab.extensions import db  # noqa: E402
from colab.markup import render  # noqa: E402
from colab.models_base import utcnow  # noqa: E402
from colab.resources.models import Resource, ResourceKind, ResourceStatus  # noqa: E402
from colab.search.indexing import rebuild  # noqa: E402
from colab.search.models import SearchEntry  # noqa: E402
from colab.search.text import plain_text  # noqa: E402

RUNS = 30
DASHBOARD_RUNS = 10
DASHBOARD_LEARNERS = 2000
COURSE = "/courses/power-patriarchy-feminism/"
SEARCH_SCALE = 100  # times the demo's lessons, dialogues and posts
SEARCH_RUNS = 10
SEARCHES = ["/search?q=power", "/search?q=poder", "/search?q=patriarchal+dividend", "/search?q=masc",
            "/search?q=dialogue&kind=post", "/search?q=power&page=5", "/search?q=zyzzyva"]
PACKAGE_COURSES = ["power-patriarchy-feminism", "respectful-dialogues"]
PACKAGE_LANGUAGES = ["en", "es", "fr"]
PACKAGE_RUNS = 5
PAGES = ["/", "/courses/", COURSE, COURSE + "faces-of-power/", COURSE + "the-patriarchal-dividend/",
         "/communities/", "/communities/dialogues/", "/communities/dialogues/threads/1/", "/notifications/",
         "/account", "/sign-in"]


def main(parts):
    instance = tempfile.mkdtemp(prefix="colab-bench-")
    app = create_app({"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False}, instance_path=instance)
    with app.app_context():
        db.create_all()
        ensure_regions()
        sync_content(ROOT / "content")
        if parts != ["package"]:
            load_demo()
        db.session.commit()
        queries = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: queries.append(1))
    if parts == ["package"]:
        package_bench(app)
        worker_bench(app)
        return
    client = app.test_client()
    client.post("/sign-in", data={"email": "learner@colab.example", "password": DEMO_PASSWORD})
    print("| page | HTML bytes | gzip bytes | SQL queries | median ms | p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for url in PAGES:
        if url == "/sign-in":
            client.post("/sign-out")
        measure(client, url, queries, RUNS)
    css = (ROOT / "colab/static/style.css").read_bytes()
    js = (ROOT / "colab/static/colab.js").read_bytes()
    print(f"\nstyle.css: {len(css):,} bytes ({len(gzip.compress(css)):,} gzip); "
          f"colab.js: {len(js):,} bytes ({len(gzip.compress(js)):,} gzip); "
          f"web fonts: 0; requests to other hosts: {len(re.findall(r'https?://', css.decode()))}")
    dashboard_bench(app, queries)
    search_bench(app, queries)
    package_bench(app)
    worker_bench(app)


def measure(client, url, queries, runs):
    """One row of the table: the page's weight, its SQL queries and its server time over runs requests."""
    times = []
    for _ in range(runs):
        queries.clear()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    assert response.status_code == 200, (url, response.status_code)
    body = response.get_data()
    p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
    print(f"| `{url}` | {len(body):,} | {len(gzip.compress(body)):,} | {len(queries)} | "
          f"{statistics.median(times):.1f} | {p95:.1f} |")


def dashboard_bench(app, queries):
    """A cohort of DASHBOARD_LEARNERS learners at every point of the course (progress rows, reflections, posts),
    its dashboard and CSV timed as the demo admin. The number of queries must not depend on the cohort's size."""
    with app.app_context():
        rows = build_big_cohort()
    client = app.test_client()
    client.post("/sign-in", data={"email": "admin@colab.example", "password": DEMO_PASSWORD})
    cohort = f"/dashboards/cohorts/{rows['cohort']}"
    print(f"\nCohort dashboard with {DASHBOARD_LEARNERS:,} learners ({rows['progress']:,} lesson progress rows, "
          f"{rows['reflections']:,} reflections, {rows['posts']:,} posts), signed in as an admin:\n")
    print("| page | bytes | gzip bytes | SQL queries | median ms | p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for url in (cohort, cohort + "?sort=active&dir=asc&show=inactive", cohort + "/learners.csv",
                cohort + "/learners.csv?sort=progress&dir=desc", f"/dashboards/regions/{rows['region']}",
                "/dashboards/global"):
        measure(client, url, queries, DASHBOARD_RUNS)


def build_big_cohort():
    """Insert the cohort's people and their work in bulk (no password hashing: nobody signs in as them)."""
    course = db.session.scalar(db.select(Course).filter_by(slug="power-patriarchy-feminism"))
    community = db.session.scalar(db.select(Community).where(Community.region_id.is_not(None))
                                  .order_by(Community.id))
    cohort = Cohort(community=community, course=course, name="Bench cohort", starts_on=utcnow().date(),
                    ends_on=utcnow().date(), languages=["en"])
    db.session.add(cohort)
    people = [User(email=f"bench-{n}@example.org", display_name=f"Bench learner {n:04d}", password_hash="!",
                   locale="en", timezone="UTC") for n in range(DASHBOARD_LEARNERS)]
    db.session.add_all(people)
    db.session.flush()
    lessons = outline(course).lessons
    prompts = [a.id for lesson in lessons for a in lesson.activities if a.kind == "reflection"]
    thread = Thread(community=community, cohort=cohort, title="Bench thread")
    db.session.add(thread)
    db.session.flush()
    now, thought, hello = utcnow(), render("A private thought"), render("Hello")
    enrolments, progress, responses, posts = [], [], [], []
    for n, person in enumerate(people):
        done = n % (len(lessons) + 1)
        seen = now - timedelta(days=n % 21, hours=n % 24)
        enrolments.append({"user_id": person.id, "course_id": course.id, "cohort_id": cohort.id, "enrolled_at": now,
                           "completed_at": seen if done == len(lessons) else None})
        for number, lesson in enumerate(lessons[:done + (n % 2)]):
            progress.append({"user_id": person.id, "lesson_id": lesson.id, "started_at": seen, "last_seen_at": seen,
                             "completed_at": seen if number < done else None})
        responses += [{"user_id": person.id, "activity_id": prompt, "text_source": "A private thought",
                       "text_html": thought, "updated_at": seen}
                      for prompt in prompts[:n % 4]]
        posts += [{"thread_id": thread.id, "author_id": person.id, "body_source": "Hello", "body_html": hello,
                   "status": PostStatus.VISIBLE, "created_at": seen} for _ in range(n % 3)]
    for model, values in ((Enrolment, enrolments), (LessonProgress, progress), (Response, responses),
                          (Post, posts)):
        if values:
            db.session.execute(insert(model), values)
    db.session.commit()
    return {"cohort": cohort.id, "region": community.region.slug, "progress": len(progress),
            "reflections": len(responses), "posts": len(posts)}


def search_bench(app, queries):
    """SEARCH_SCALE times the demo's lessons, dialogue threads and their posts (a members-only circle's, hidden, held
    and deleted ones among them), with as many resources, events, directory profiles and organisations; the index
    rebuilt from scratch, then searches timed as the demo learner. Queries per page must not depend on the hits."""
    app.config["SEARCH_RATE_LIMIT"] = "100000 per minute"
    with app.app_context():
        start = time.perf_counter()
        copied = copy_lessons()
        copy_time = time.perf_counter() - start
        rows = build_search_data()
        start = time.perf_counter()
        written = rebuild()
        db.session.commit()
        rebuild_time = time.perf_counter() - start
        entries = db.session.scalar(db.select(db.func.count()).select_from(SearchEntry))
    client = app.test_client()
    client.post("/sign-in", data={"email": "learner@colab.example", "password": DEMO_PASSWORD})
    print(f"\nSearch at {SEARCH_SCALE}x the demo's data: {copied:,} lesson texts (copied with the index written "
          f"on flush in {copy_time:.1f} s), {rows['threads']:,} threads, {rows['posts']:,} posts, "
          f"{rows['resources']:,} resources, {rows['events']:,} events, {rows['profiles']:,} directory profiles, "
          f"{rows['organisations']:,} organisations; {entries:,} index entries "
          f"({', '.join(f'{number:,} {kind}' for kind, number in written.items())}), rebuilt in "
          f"{rebuild_time:.1f} s. Signed in as a learner:\n")
    print("| page | HTML bytes | gzip bytes | SQL queries | median ms | p95 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for url in SEARCHES:
        measure(client, url, queries, SEARCH_RUNS)


def copy_lessons():
    """SEARCH_SCALE - 1 copies of every course's lesson texts, each copy a course of its own (through the ORM, so
    the index is written on flush as content sync writes it)."""
    texts = db.session.execute(db.select(LessonText.locale, LessonText.title, LessonText.minutes,
                                         LessonText.objectives, LessonText.body_html)).all()
    copied = 0
    for number in range(1, SEARCH_SCALE):
        course = Course(slug=f"bench-course-{number}", title={"en": f"Bench course {number}"}, position=1000 + number)
        module = Module(course=course, slug="all", title={"en": "All lessons"})
        for position, (locale, title, minutes, objectives, body_html) in enumerate(texts):
            lesson = Lesson(course=course, module=module, slug=f"lesson-{position}", position=position)
            lesson.texts.append(LessonText(locale=locale, title=title, minutes=minutes, objectives=objectives,
                                           body_html=body_html))
            copied += 1
        db.session.add(course)
        db.session.commit()
        db.session.expunge_all()
    return copied


def build_search_data():
    """Insert threads, posts, resources, events, people, profiles and organisations in bulk (not indexed on write:
    the rebuild indexes them), their words taken from the demo's dialogues."""
    demo = db.session.execute(db.select(Thread.community_id, Thread.title, Thread.framing_html)).all()
    sentences = [part.strip() for _c, _t, framing in demo for part in plain_text(framing).split(". ") if part.strip()]
    community_ids = db.session.scalars(db.select(Community.id).order_by(Community.id)).all()
    now = utcnow()
    threads = [{"community_id": community_ids[(copy + n) % len(community_ids)], "title": f"{title} ({copy})",
                "framing_source": "", "framing_html": framing_html, "held": copy % 20 == 0, "created_at": now,
                "last_post_at": now}
               for copy in range(SEARCH_SCALE) for n, (_community, title, framing_html) in enumerate(demo)]
    thread_ids = db.session.scalars(insert(Thread).returning(Thread.id, sort_by_parameter_order=True), threads).all()
    statuses = [PostStatus.VISIBLE] * 7 + [PostStatus.HIDDEN, PostStatus.HELD, PostStatus.DELETED]
    posts = [{"thread_id": thread_id, "body_source": sentences[(n + k) % len(sentences)],
              "body_html": render(sentences[(n + k) % len(sentences)]), "status": statuses[(n + k) % len(statuses)],
              "created_at": now} for n, thread_id in enumerate(thread_ids) for k in range(10)]
    people = [User(email=f"search-bench-{n}@example.org", display_name=f"Search bench member {n:04d}",
                   password_hash="!", locale="en", timezone="UTC") for n in range(SEARCH_SCALE * 10)]
    db.session.add_all(people)
    db.session.flush()
    summary = {"en": render(sentences[0]), "es": render(sentences[1 % len(sentences)])}
    resources = [{"slug": f"bench-resource-{n}", "kind": ResourceKind.GUIDE,
                  "status": ResourceStatus.PUBLISHED if n % 4 else ResourceStatus.SUGGESTED,
                  "title": {"en": f"{sentences[n % len(sentences)][:150]}", "es": f"Guía {n}"},
                  "summary_source": {}, "summary_html": summary, "url": "https://example.org/"}
                 for n in range(SEARCH_SCALE * 10)]
    events = [{"uid": f"bench-{n}", "title": sentences[n % len(sentences)][:200], "description_source": "",
               "description_html": render(sentences[(n + 1) % len(sentences)]), "starts_at": now + timedelta(days=n),
               "ends_at": now + timedelta(days=n, hours=2), "scope": EventScope.GLOBAL, "languages": ["en", "es"]}
              for n in range(SEARCH_SCALE * 10)]
    profiles = [{"user_id": person.id, "published": n % 5 != 0, "display_name": person.display_name,
                 "organisation": "Power and care network", "bio_source": "", "bio_html": render(sentences[n % 7])}
                for n, person in enumerate(people)]
    organisations = [{"name": f"Bench organisation {n}", "country": "KE", "description": {"en": sentences[n % 9]}}
                     for n in range(SEARCH_SCALE * 5)]
    for model, values in ((Post, posts), (Resource, resources), (Event, events), (DirectoryProfile, profiles),
                          (Organisation, organisations)):
        db.session.execute(insert(model), values)
    db.session.commit()
    return {"threads": len(thread_ids), "posts": len(posts), "resources": len(resources), "events": len(events),
            "profiles": len(profiles), "organisations": len(organisations)}


def package_bench(app):
    """Each real course's offline package in each language, downloaded by a learner outside any cohort (so every
    module is in it): its size, the time to build it (first download in the process) and to serve it again (from
    the cache), and each module's share (the compressed bytes of its lesson files in the zip). Called outside any
    app context, so each request has its own (its reader's language and facts are not kept in a shared g)."""
    readers = {}
    with app.app_context():
        for locale in PACKAGE_LANGUAGES:
            email = f"package-bench-{locale}@example.org"
            create_user(email, f"Package bench {locale}", DEMO_PASSWORD, locale)
            readers[locale] = email
        db.session.commit()
    print("\nOffline package (the zip a learner downloads from the course overview), per course and language:\n")
    print("| course | language | zip bytes | files | index + stylesheet bytes | build ms | cached ms (median) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    modules = defaultdict(dict)  # (course, folder) -> {locale: compressed bytes}
    for locale, email in readers.items():
        client = app.test_client()
        client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD})
        for course in PACKAGE_COURSES:
            url = f"/courses/{course}/package.zip"
            times = []
            for _ in range(PACKAGE_RUNS):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            archive = zipfile.ZipFile(io.BytesIO(response.data))
            infos = archive.infolist()
            for info in infos:
                if "/" in info.filename:
                    folder = info.filename.split("/")[0]
                    modules[course, folder][locale] = modules[course, folder].get(locale, 0) + info.compress_size
            shared = sum(info.compress_size for info in infos if "/" not in info.filename)
            print(f"| {course} | {locale} | {len(response.data):,} | {len(infos)} | {shared:,} | {times[0]:.0f} | "
                  f"{statistics.median(times[1:]):.1f} |")
    print("\nPer module: the compressed bytes of its lesson files in the zip\n")
    print(f"| course | module | {' | '.join(PACKAGE_LANGUAGES)} |")
    print(f"| --- | --- | {' | '.join('---:' for _ in PACKAGE_LANGUAGES)} |")
    for (course, folder), sizes in modules.items():
        print(f"| {course} | {folder} | {' | '.join(f'{sizes.get(locale, 0):,}' for locale in PACKAGE_LANGUAGES)} |")


def worker_bench(app):
    """Reading offline in the browser: the bytes (brotli, as served) of the service worker and what it installs, and
    of a lesson's visits with and without it (a lesson is fetched from the network first, even with the worker; the
    stylesheet and the scripts come from its cache)."""
    served = {}
    with app.app_context():
        create_user("worker-bench@example.org", "Worker bench", DEMO_PASSWORD, "en")
        db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"email": "worker-bench@example.org", "password": DEMO_PASSWORD})
    lesson = f"/courses/{PACKAGE_COURSES[0]}/faces-of-power/"
    for name, url in (("worker", "/sw.js"), ("offline page", "/offline"), ("lesson HTML", lesson)):
        served[name] = len(client.get(url, headers={"Accept-Encoding": "br"}).data)
    for name in ("style.css", "colab.js", "offline.js"):
        served[name] = len(brotli.compress((ROOT / "colab/static" / name).read_bytes(), quality=11))
    print("\nReading offline (bytes over the wire, brotli, headers not counted):\n")
    print("| what | bytes |\n| --- | ---: |")
    for name, size in served.items():
        print(f"| {name} | {size:,} |")
    print(f"| first visit to a lesson, no worker yet (HTML, style.css, colab.js) | "
          f"{served['lesson HTML'] + served['style.css'] + served['colab.js']:,} |")
    print(f"| installing the worker, once (worker, offline page, offline.js) | "
          f"{served['worker'] + served['offline page'] + served['offline.js']:,} |")
    print(f"| each lesson visit with the worker (HTML only) | {served['lesson HTML']:,} |")


if __name__ == "__main__":
    main(sys.argv[1:])
