"""Seed a throwaway database at a multiple of the alliance's size, for the HTTP benchmark (scripts/bench_http.py).

    .venv/bin/python scripts/seed_scale.py postgresql://postgres@127.0.0.1:5432/colab_bench --scale 100
    .venv/bin/python scripts/seed_scale.py sqlite:////tmp/colab_bench.sqlite --scale 1

The database is dropped and made again (its name must contain "bench"), then built the way an installation is:
the migrations (`flask db upgrade`), the regions (`flask setup`), the real content/ (`flask content sync`) and the
demo (`flask demo`). On top of that, with bulk inserts (PostgreSQL COPY; SQLAlchemy Core executemany on SQLite):

    scale 1:    1,000 learners,    20 communities,    10,000 posts (about 1,000 threads)
    scale 100:  100,000 learners,  2,000 communities, 1,000,000 posts (about 100,000 threads)

and, at every scale, a 200-post thread in the cross-regional "dialogues" community (which holds a tenth of all
threads), a 200-learner self-paced cohort in Africa whose dashboard the demo focal point follows, every other
learner in a cohort of 50, their enrolments, lesson progress, reflections, community memberships and
notifications. Post bodies are a few dozen distinct Markdown texts rendered once by colab.markup.render.
Then the search index is rebuilt (colab.search.indexing.rebuild, what `flask search rebuild` runs) and timed.

Writes a JSON manifest (--manifest) naming the pages, the accounts and the timings, which bench_http.py reads.
"""
import argparse
import json
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import bindparam, create_engine, func, inspect, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from colab import create_app  # noqa: E402
from colab.accounts.models import Region, User, hash_password, name_key  # noqa: E402
from colab.accounts.service import ensure_regions, find_by_email  # noqa: E402
from colab.cohorts.models import CohortFacilitator  # noqa: E402
from colab.communities.agreements import DEFAULT_AGREEMENTS  # noqa: E402
from colab.communities.models import (  # noqa: E402
    Cohort,
    Community,
    CommunityKind,
    Membership,
    Pacing,
    Post,
    PostStatus,
    Role,
    Thread,
)
from colab.courses.models import Course, Enrolment, LessonProgress, Response  # noqa: E402
from colab.courses.service import outline  # noqa: E402
from colab.courses.sync import sync_content  # noqa: E402
from colab.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from colab.extensions import db  # noqa: E402
from colab.markup import EMPTY_HTML, render  # noqa: E402
from colab.notifications.models import Notification  # noqa: E402
from colab.search.indexing import SOURCES, reindex  # noqa: E402
from colab.search.indexing import rebuild as rebuild_index  # noqa: E402
from colab.search.models import Kind, SearchEntry  # noqa: E402

BENCH_PASSWORD = "a benchmark passphrase for every seeded learner"
FOCAL = "focal@colab.example"  # the demo's focal point for Africa: follows the bench cohort's dashboard
COURSE = "power-patriarchy-feminism"
COMMUNITY = "dialogues"  # the benchmarked community page; it holds a tenth of all threads
BIG_THREAD_POSTS = 200
BENCH_COHORT_SIZE = 200
COHORT_SIZE = 50
BENCH_LEARNER = 5  # the learner the benchmark signs in as: in the bench cohort, five lessons done
BATCH = 10_000  # rows per executemany on SQLite
SEARCH_QUERY = "power"
NOW = datetime.now(timezone.utc).replace(microsecond=0)

# Sentences people might write in the alliance's forums; post bodies are combinations of two to four of them.
SENTENCES = [
    "In our network we started asking who holds power in the room before every meeting.",
    "The women's rights organisation we partner with reviews our workshop plans before we run them.",
    "I used to think of power only as *power over*; the lesson on power with and power within changed that.",
    "Our fathers' groups talk about care work, but the men still leave the cooking to their partners.",
    "How do you answer a funder who wants numbers of men reached rather than changes in their behaviour?",
    "We translated the module into Swahili and the discussion in the group became much richer.",
    "Accountability means we ask the feminist movement what they need, not what we can offer them.",
    "Some colleagues felt the session on the patriarchal dividend blamed them personally.",
    "In the refugee camp where we work, young men say they have no power at all.",
    "A **male champion** award in our country went to a minister who voted against the shelter budget.",
    "We lost two volunteers after the backlash campaign online; we are still recovering.",
    "Listening without answering at once was the hardest part of the dialogue for me.",
    "Our youth club now asks boys to map the invisible power of norms in their own families.",
    "The budget for our programme is decided in the capital, far from the villages we serve.",
    "Can anyone share a facilitation guide for talking about consent with teenage boys?",
    "Decolonising our practice has to include who gets paid to write the curricula.",
    "I appreciated the reading list; the piece on intersectionality was new to me.",
    "After the course our team changed how meetings are chaired: the role now rotates.",
    "We should be careful not to speak for women's organisations in policy spaces.",
    "The self-check on hidden power was harder than I expected, and useful.",
    "Thank you all for this thread, it helped me prepare for our regional meeting.",
    "Our radio programme reaches 40,000 listeners; men call in to talk about violence at home.",
    "When the police trained with us, the conversation about power and uniforms was tense.",
    "Is there a version of the lesson for people who read on a shared phone?",
    "Faith leaders in our district joined the dialogue and brought their own texts on equality.",
    "Feminist peace work asks us to question militarised ideas of protection.",
    "The module on masculinities gave us words for what we see in sports clubs.",
    "Our organisation wrote an accountability policy with the local women's shelter.",
    "I disagree with the previous post, but I understand where the worry comes from.",
    "We meet every Thursday evening; new members are welcome to join the call.",
]
TITLES = [
    "Sharing power in our own organisations", "Fathers, care and unpaid work", "Working with faith leaders",
    "Backlash online: what helped you?", "Translating the course for our groups", "Funders and what they count",
    "Boys, sport and masculinities", "Accountability policies that work", "Consent workshops with teenagers",
    "Peace, militarism and protection", "Radio, community media and men's voices", "Meeting times and languages",
]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url", nargs="?", default=os.environ.get("COLAB_BENCH_DATABASE_URL"),
                        help="PostgreSQL or SQLite URL of the throwaway database (default: COLAB_BENCH_DATABASE_URL)")
    parser.add_argument("--scale", type=int, default=1, help="1: 1,000 learners and 10,000 posts; 100: 100 times")
    parser.add_argument("--manifest", help="write the JSON manifest here (default: print it)")
    parser.add_argument("--search-budget", type=float, default=300,
                        help="seconds the search index rebuild may take before it is stopped and the index "
                             "written by the bench's shortcut instead (default 300)")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give a database URL (or set COLAB_BENCH_DATABASE_URL)")
    return args


def main(argv=None):
    args = parse_args(argv)
    manifest = seed(args.database_url, args.scale, search_budget=args.search_budget, log=print)
    output = json.dumps(manifest, indent=2)
    if args.manifest:
        Path(args.manifest).write_text(output)
        print(f"manifest written to {args.manifest}")
    else:
        print(output)


# --- the database ------------------------------------------------------------------------------------------

def recreate_database(url):
    """Drop and create the database the URL names (a PostgreSQL database, or a SQLite file)."""
    parsed = make_url(url)
    name = parsed.database or ""
    if "bench" not in Path(name).name:
        raise SystemExit(f"refusing to drop {name!r}: the benchmark's database name must contain 'bench'")
    if parsed.get_backend_name() == "sqlite":
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)
        return parsed.render_as_string(hide_password=False)
    parsed = parsed.set(drivername="postgresql+psycopg")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return parsed.render_as_string(hide_password=False)


def build_schema(app, log):
    """`flask db upgrade`; if the migrations lag behind the models (work in progress), db.create_all() instead, and
    say so. Returns "migrations" or "create_all"."""
    from flask_migrate import upgrade
    with app.app_context():
        upgrade(directory=str(ROOT / "colab" / "migrations"))
        missing = missing_schema()
        if not missing:
            return "migrations"
        log(f"WARNING: the migrations lack {', '.join(missing)}: building the schema with db.create_all() instead")
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        return "create_all"


def missing_schema():
    inspector = inspect(db.engine)
    missing = []
    for table in db.metadata.sorted_tables:
        if not inspector.has_table(table.name):
            missing.append(f"table {table.name}")
            continue
        have = {column["name"] for column in inspector.get_columns(table.name)}
        missing += [f"{table.name}.{column.name}" for column in table.columns if column.name not in have]
    return missing


# --- bulk writing --------------------------------------------------------------------------------------------

class Bulk:
    """Insert plain rows fast: COPY on PostgreSQL, executemany in batches on SQLite; in the session's transaction."""

    def __init__(self):
        self.connection = db.session.connection()
        self.postgresql = self.connection.dialect.name == "postgresql"
        self.counts = {}

    def insert(self, model, rows):
        rows = list(rows)
        if not rows:
            return 0
        table = model.__table__
        if self.postgresql:
            self._copy(table, rows)
        else:
            statement = table.insert()
            for start in range(0, len(rows), BATCH):
                self.connection.execute(statement, rows[start:start + BATCH])
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        return len(rows)

    def _copy(self, table, rows):
        """COPY the rows; columns a row leaves out get their Python default (one value for the whole batch)."""
        given = list(rows[0])
        defaults = {}
        for column in table.columns:
            if column.name in given or column.primary_key or column.default is None:
                continue
            default = column.default
            defaults[column.name] = default.arg(None) if default.is_callable else default.arg
        names = given + list(defaults)
        fill = [_plain(value) for value in defaults.values()]
        raw = self.connection.connection.driver_connection
        quoted = ", ".join(f'"{name}"' for name in names)
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([_plain(row[name]) for name in given] + fill)

    def ids_after(self, model, last_id):
        """Ids of the rows added after last_id, in insertion order (this script is the only writer)."""
        return db.session.scalars(select(model.id).where(model.id > last_id).order_by(model.id)).all()


def _plain(value):
    """A value as COPY takes it: enums as their text, JSON as text, HTML as its string."""
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value
    if isinstance(value, str):
        return str(value)
    return value


def max_id(model):
    return db.session.scalar(select(func.coalesce(func.max(model.id), 0)))


# --- the data ------------------------------------------------------------------------------------------------

def bodies():
    """Markdown bodies made of two to four sentences, each rendered once: [(source, SafeHTML)]."""
    made = []
    for number in range(60):
        picks = [SENTENCES[(number * step + offset) % len(SENTENCES)]
                 for offset, step in enumerate((1, 7, 13, 19)[:2 + number % 3])]
        source = " ".join(picks) if number % 4 else "\n\n".join(picks)
        made.append((source, render(source)))
    return made


def seed(database_url, scale=1, search_budget=300, log=print):
    """Build the database; return the manifest (pages, accounts, sizes, timings)."""
    timings = {}
    started = time.perf_counter()
    url = recreate_database(database_url)
    instance = tempfile.TemporaryDirectory(prefix="colab-seed-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "seed"}, instance_path=instance.name)
    mark = time.perf_counter()
    schema = build_schema(app, log)
    timings["schema"] = time.perf_counter() - mark
    with app.app_context():
        mark = time.perf_counter()
        ensure_regions()
        sync_content(Path(app.config["CONTENT_DIR"]))
        db.session.commit()
        timings["content_sync"] = time.perf_counter() - mark
        mark = time.perf_counter()
        load_demo()
        db.session.commit()
        timings["demo"] = time.perf_counter() - mark
        mark = time.perf_counter()
        seeder = Seeder(app, scale, log)
        pages = seeder.run()
        db.session.commit()
        timings["bulk_insert"] = time.perf_counter() - mark
        counts = dict(seeder.bulk.counts)
        search = build_search_index(search_budget, log)
        timings.update(search.pop("timings"))
        entries = db.session.scalar(select(func.count()).select_from(SearchEntry))
        if seeder.bulk.postgresql:  # what autovacuum does a minute later on a live server
            mark = time.perf_counter()
            db.session.remove()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))
            timings["vacuum_analyze"] = time.perf_counter() - mark
        db.session.remove()
        db.engine.dispose()
    instance.cleanup()
    timings["total"] = time.perf_counter() - started
    log(f"seeded scale {scale} in {timings['total']:.1f} s: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return {"database_url": url, "scale": scale, "schema": schema, "pages": pages, "rows": counts,
            "search": {**search, "entries": entries}, "timings": {k: round(v, 2) for k, v in timings.items()},
            "learner": {"email": seeder.learner_email, "password": BENCH_PASSWORD},
            "focal_point": {"email": FOCAL, "password": DEMO_PASSWORD}}


class Seeder:
    def __init__(self, app, scale, log):
        self.app, self.scale, self.log = app, scale, log
        self.learners = 1000 * scale
        self.communities = 20 * scale
        self.posts = 10_000 * scale
        self.bulk = Bulk()
        self.bodies = bodies()
        self.learner_email = email(BENCH_LEARNER)

    def run(self):
        course = db.session.scalar(select(Course).filter_by(slug=COURSE))
        self.lessons = outline(course).lessons
        self.prompts = [activity.id for lesson in self.lessons for activity in lesson.activities
                        if activity.kind == "reflection" and not activity.archived]
        self.second_course = db.session.scalar(select(Course.id).where(Course.slug != COURSE).order_by(Course.id))
        self.regions = db.session.scalars(select(Region.id).order_by(Region.position)).all()
        self.africa = db.session.scalar(select(Region.id).filter_by(slug="africa"))
        self.focal = find_by_email(FOCAL)
        self._timed("communities", self.seed_communities)
        self._timed("learners", self.seed_learners)
        self._timed("cohorts", lambda: self.seed_cohorts(course))
        self._timed("enrolments and progress", lambda: self.seed_progress(course))
        self._timed("memberships", self.seed_memberships)
        self._timed("threads and posts", self.seed_threads)
        self._timed("notifications", self.seed_notifications)
        lesson = self.lessons[0]
        return {
            "home": "/",
            "lesson": f"/courses/{COURSE}/{lesson.slug}/",
            "course": f"/courses/{COURSE}/",
            "community": f"/communities/{COMMUNITY}/",
            "thread": f"/communities/{COMMUNITY}/threads/{self.big_thread}/",
            "dashboard": f"/dashboards/cohorts/{self.bench_cohort}",
            "search": f"/search?q={SEARCH_QUERY}",
        }

    def _timed(self, name, work):
        mark = time.perf_counter()
        work()
        self.log(f"  {name}: {time.perf_counter() - mark:.1f} s")

    # communities: the demo's ten, then thematic ones up to 20 x scale
    def seed_communities(self):
        agreements = {code: render(source) for code, source in DEFAULT_AGREEMENTS.items()}
        have = db.session.scalar(select(func.count()).select_from(Community))
        self.bulk.insert(Community, ({
            "slug": f"bench-circle-{n}", "kind": CommunityKind.THEMATIC,
            "name": {"en": f"Learning circle {n}", "es": f"Círculo de aprendizaje {n}"},
            "description": {"en": f"A thematic learning circle ({n}).", "es": f"Un círculo temático ({n})."},
            "agreements_source": dict(DEFAULT_AGREEMENTS), "agreements_html": agreements, "members_only": False,
            "premoderate_posts": 0, "created_at": NOW - timedelta(days=400)}
            for n in range(max(0, self.communities - have))))
        rows = db.session.execute(select(Community.id, Community.slug, Community.region_id, Community.members_only)
                                  .order_by(Community.id)).all()
        self.community_ids = {slug: id_ for id_, slug, _region, _members_only in rows}
        self.dialogues = self.community_ids[COMMUNITY]
        self.community_region = {id_: region for id_, _slug, region, _members_only in rows}
        # Where learners' cohorts and ordinary threads go: every open community but the big one.
        self.open_communities = [id_ for id_, slug, _region, members_only in rows
                                 if not members_only and slug != COMMUNITY]
        self.regional = {region: id_ for id_, _slug, region, _members_only in rows if region is not None}

    # learners: one password hash for all (hashed once); the first BENCH_COHORT_SIZE are in Africa
    def seed_learners(self):
        password_hash = hash_password(BENCH_PASSWORD)
        self.cohort_of = [0 if n < BENCH_COHORT_SIZE else 1 + (n - BENCH_COHORT_SIZE) // COHORT_SIZE
                          for n in range(self.learners)]
        cohorts = max(self.cohort_of) + 1
        self.cohort_community = [self.regional[self.africa]] + [
            self.open_communities[k % len(self.open_communities)] for k in range(1, cohorts)]
        self.region_of = [self.community_region.get(self.cohort_community[k]) or self.regions[n % len(self.regions)]
                          for n, k in enumerate(self.cohort_of)]
        first = max_id(User)
        self.bulk.insert(User, ({
            "email": email(n), "display_name": f"Learner {n:06d}", "name_key": name_key(f"Learner {n:06d}"),
            "password_hash": password_hash, "locale": "es" if n % 5 == 4 else "en",
            "timezone": "America/Bogota" if n % 5 == 4 else "Africa/Nairobi", "region_id": self.region_of[n],
            "is_admin": False, "is_course_team": False, "discreet": False,
            "created_at": NOW - timedelta(days=365, minutes=-n)} for n in range(self.learners)))
        self.user_ids = self.bulk.ids_after(User, first)
        assert len(self.user_ids) == self.learners

    # cohorts: the bench cohort (200 learners, Africa, followed by the demo focal point), then cohorts of 50
    def seed_cohorts(self, course):
        first = max_id(Cohort)
        start = (NOW - timedelta(days=60)).date()
        self.bulk.insert(Cohort, ({
            "community_id": community, "course_id": course.id,
            "name": "Bench cohort (200 learners)" if k == 0 else f"Cohort {k:05d}",
            "starts_on": start, "ends_on": start + timedelta(days=180), "languages": ["en", "es"],
            "timezone": "Africa/Nairobi", "pacing": Pacing.SELF_PACED, "created_by_id": self.focal.id,
            "created_at": NOW - timedelta(days=70)} for k, community in enumerate(self.cohort_community)))
        self.cohort_ids = self.bulk.ids_after(Cohort, first)
        self.bench_cohort = self.cohort_ids[0]
        facilitator = find_by_email("facilitator@colab.example")
        self.bulk.insert(CohortFacilitator, [{"cohort_id": self.bench_cohort, "user_id": facilitator.id,
                                              "appointed_at": NOW - timedelta(days=70)}])

    # enrolments (the course in the learner's cohort; half also take the second course on their own), lesson
    # progress (learner n has done n % (lessons + 1) lessons, odd ones have started the next) and reflections
    def seed_progress(self, course):
        lessons = len(self.lessons)
        enrolments, progress, responses = [], [], []
        thought = "Writing this down, I can see how often I decide for my team without asking them."
        thought_html = render(thought)
        for n, user_id in enumerate(self.user_ids):
            done = n % (lessons + 1)
            seen = NOW - timedelta(days=n % 30, hours=n % 24)
            opened = self.lessons[:min(lessons, done + n % 2)]
            enrolments.append({"user_id": user_id, "course_id": course.id,
                               "cohort_id": self.cohort_ids[self.cohort_of[n]],
                               "enrolled_at": seen - timedelta(days=40),
                               "completed_at": seen if done == lessons else None,
                               "last_lesson_id": opened[-1].id if opened else None,
                               "last_seen_at": seen if opened else None})
            if self.second_course and n % 2 == 0:
                enrolments.append({"user_id": user_id, "course_id": self.second_course, "cohort_id": None,
                                   "enrolled_at": seen - timedelta(days=20), "completed_at": None,
                                   "last_lesson_id": None, "last_seen_at": None})
            for number, lesson in enumerate(opened):
                at = seen - timedelta(days=len(opened) - number)
                progress.append({"user_id": user_id, "lesson_id": lesson.id, "started_at": at, "last_seen_at": at,
                                 "completed_at": at if number < done else None})
            responses += [{"user_id": user_id, "activity_id": prompt, "text_source": thought, "text_html": thought_html,
                           "choice": None, "attempts": 0, "updated_at": seen} for prompt in self.prompts[:n % 4]]
        self.bulk.insert(Enrolment, enrolments)
        self.bulk.insert(LessonProgress, progress)
        self.bulk.insert(Response, responses)

    # memberships: the cohort's community, the learner's regional community, every third learner the dialogues
    def seed_memberships(self):
        rows, joined = [], NOW - timedelta(days=100)
        for n, user_id in enumerate(self.user_ids):
            communities = {self.cohort_community[self.cohort_of[n]], self.regional.get(self.region_of[n])}
            if n % 3 == 0 or n == BENCH_LEARNER or n < BIG_THREAD_POSTS:
                communities.add(self.dialogues)
            rows += [{"user_id": user_id, "community_id": community, "role": Role.MEMBER, "pending": False,
                      "joined_at": joined, "agreements_accepted_at": joined}
                     for community in sorted(c for c in communities if c is not None)]
        self.bulk.insert(Membership, rows)

    # threads: a tenth in the dialogues community, the rest spread over the open communities; 1 to 19 posts each
    # (10 on average), some hidden, held or deleted; and the 200-post thread, the newest in the dialogues
    def seed_threads(self):
        count = max(1, (self.posts - BIG_THREAD_POSTS) // 10)
        sizes = [1 + (t * 37) % 19 for t in range(count)]
        missing, t = self.posts - BIG_THREAD_POSTS - sum(sizes), 0
        while missing:  # make the total exact
            change = 1 if missing > 0 else -1
            if sizes[t % count] + change >= 1:
                sizes[t % count] += change
                missing -= change
            t += 1
        span = timedelta(days=365)
        threads, plan = [], []
        for t, size in enumerate(sizes):
            created = NOW - span + span * t / count - timedelta(days=2)
            community = self.dialogues if t % 10 == 0 else self.open_communities[t % len(self.open_communities)]
            author = self.user_ids[(t * 7919) % self.learners]
            statuses = [PostStatus.VISIBLE if (t + j) % 50 not in (7, 13, 29) else
                        (PostStatus.HIDDEN, PostStatus.HELD, PostStatus.DELETED)[[7, 13, 29].index((t + j) % 50)]
                        for j in range(size)]
            statuses[0] = PostStatus.VISIBLE
            threads.append({
                "community_id": community, "cohort_id": None, "lesson_id": None, "author_id": author,
                "title": f"{TITLES[t % len(TITLES)]} ({t})", "is_dialogue": False, "framing_source": "",
                "framing_html": EMPTY_HTML, "content_note": "", "pinned": False, "locked": False,
                "slow_mode_minutes": 0, "created_at": created,
                "last_post_at": created + timedelta(minutes=30 * (size - 1)),
                "post_count": statuses.count(PostStatus.VISIBLE), "held": t % 500 == 17})
            plan.append((author, created, statuses))
        big_start = NOW - timedelta(days=1)
        threads.append({
            "community_id": self.dialogues, "cohort_id": None, "lesson_id": None, "author_id": self.user_ids[0],
            "title": "What does accountability to women's rights organisations look like in practice?",
            "is_dialogue": False, "framing_source": "", "framing_html": EMPTY_HTML, "content_note": "",
            "pinned": False, "locked": False, "slow_mode_minutes": 0, "created_at": big_start,
            "last_post_at": big_start + timedelta(minutes=5 * (BIG_THREAD_POSTS - 1)),
            "post_count": BIG_THREAD_POSTS, "held": False})
        first = max_id(Thread)
        self.bulk.insert(Thread, threads)
        thread_ids = self.bulk.ids_after(Thread, first)
        self.big_thread = thread_ids[-1]
        self.thread_ids = thread_ids

        def posts():
            number = 0
            for thread_id, (author, created, statuses) in zip(thread_ids, plan, strict=False):
                for j, status in enumerate(statuses):
                    source, html = self.bodies[number % len(self.bodies)]
                    yield {"thread_id": thread_id, "author_id": author if j == 0 else
                           self.user_ids[(number * 104729) % self.learners], "reply_to_id": None,
                           "body_source": source, "body_html": html, "status": status,
                           "moderation_reason": "", "created_at": created + timedelta(minutes=30 * j)}
                    number += 1
            for j in range(BIG_THREAD_POSTS):
                source, html = self.bodies[(j * 7) % len(self.bodies)]
                yield {"thread_id": self.big_thread, "author_id": self.user_ids[j], "reply_to_id": None,
                       "body_source": source, "body_html": html, "status": PostStatus.VISIBLE,
                       "moderation_reason": "", "created_at": big_start + timedelta(minutes=5 * j)}

        first = max_id(Post)
        chunk = []
        for row in posts():
            chunk.append(row)
            if len(chunk) == 100_000:
                self.bulk.insert(Post, chunk)
                chunk = []
        self.bulk.insert(Post, chunk)
        # In the big thread every fifth post answers the one before it (the page shows what it replies to).
        big = db.session.scalars(select(Post.id).where(Post.thread_id == self.big_thread, Post.id > first)
                                 .order_by(Post.id)).all()
        self.big_posts = big
        db.session.execute(Post.__table__.update().where(Post.id == bindparam("target"))
                           .values(reply_to_id=bindparam("answered")),
                           [{"target": big[j], "answered": big[j - 1]} for j in range(5, len(big), 5)])

    # notifications: five per learner (replies in the big thread), the last two unread
    def seed_notifications(self):
        rows = []
        for n, user_id in enumerate(self.user_ids):
            for k in range(5):
                post = self.big_posts[(n + k) % len(self.big_posts)]
                rows.append({"user_id": user_id, "kind": "reply", "community_id": self.dialogues,
                             "thread_id": self.big_thread, "post_id": post,
                             "actor_id": self.user_ids[(n + k + 1) % self.learners], "action_id": None, "params": {},
                             "link": "", "created_at": NOW - timedelta(days=5 - k),
                             "read_at": NOW - timedelta(days=4 - k) if k < 3 else None})
        self.bulk.insert(Notification, rows)


def email(n):
    return f"bench-learner-{n:06d}@example.org"


# --- the search index ----------------------------------------------------------------------------------------

class OutOfTime(Exception):
    pass


def build_search_index(budget, log):
    """Rebuild the index with colab.search.indexing.rebuild and time it. If it runs past budget seconds, stop it
    (rolled back), report how far it got, and write the index by a shortcut the benchmark alone uses: every kind
    but posts through the app's own reindex(), posts with one INSERT ... SELECT per distinct body (the same text
    the app writes, as the bodies are a few dozen distinct texts)."""
    progress, mark = {}, time.perf_counter()

    def note(kind, written):
        progress[str(kind)] = (written, time.perf_counter() - mark)
        if time.perf_counter() - mark > budget:
            raise OutOfTime

    try:
        written = rebuild_index(progress=note)
        db.session.commit()
        seconds = time.perf_counter() - mark
        log(f"  search rebuild: {seconds:.1f} s for {sum(written.values()):,} entries")
        return {"rebuild": "complete", "written": {str(k): v for k, v in written.items()},
                "timings": {"search_rebuild": seconds}}
    except OutOfTime:
        db.session.rollback()
    seconds = time.perf_counter() - mark
    posts_done, posts_at = progress.get(str(Kind.POST), (0, seconds))
    before_posts = max((at for kind, (_n, at) in progress.items() if kind != str(Kind.POST)), default=0)
    total_posts = db.session.scalar(select(func.count()).select_from(Post))
    rate = posts_done / max(posts_at - before_posts, 1e-9) if posts_done else 0
    log(f"  search rebuild stopped after {seconds:.0f} s (budget): {posts_done:,} of {total_posts:,} posts indexed, "
        f"{rate:,.0f} posts/s; all posts would take about {total_posts / rate / 60 if rate else float('nan'):.0f} min")
    mark = time.perf_counter()
    shortcut_index()
    db.session.commit()
    shortcut = time.perf_counter() - mark
    log(f"  search index written by the shortcut in {shortcut:.1f} s")
    return {"rebuild": "stopped", "stopped_after": round(seconds, 1), "posts_indexed": posts_done,
            "posts_total": total_posts, "posts_per_second": round(rate), "progress": progress,
            "timings": {"search_rebuild_partial": seconds, "search_shortcut": shortcut}}


def shortcut_index():
    """The index as rebuild() writes it: every kind but posts through reindex(), posts per distinct body."""
    db.session.execute(SearchEntry.__table__.delete())
    for kind, (model, _source) in SOURCES.items():
        if kind == Kind.POST:
            continue
        ids = db.session.scalars(select(model.id).order_by(model.id)).all()
        reindex({kind: ids})
    samples = db.session.execute(select(func.min(Post.id), Post.body_source).group_by(Post.body_source)).all()
    for post_id, source in samples:
        reindex({Kind.POST: [post_id]})  # the app writes this body's entry once, the bench copies it to the others
        db.session.execute(text(
            "INSERT INTO search_entry (kind, object_id, locale, title, body, search_vector) "
            "SELECT e.kind, p.id, e.locale, e.title, e.body, e.search_vector FROM post p, search_entry e "
            "WHERE e.kind = :kind AND e.object_id = :sample AND p.body_source = :source AND p.id <> :sample"),
            {"kind": Kind.POST.value, "sample": post_id, "source": source})

if __name__ == "__main__":
    main()
