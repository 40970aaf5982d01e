"""Time `content sync` of a 50-lesson course in every platform language (issue 11's budget: at most 2 s).

Builds the course from the real lessons of content/power-patriarchy-feminism, repeated under new slugs into
ten modules of five lessons, in each language the real course has; then syncs it into a fresh database twice:
the first sync (everything new) and an unchanged one (what every deployment runs). Prints both, per backend.

    .venv/bin/python scripts/bench_content_sync.py                       # SQLite
    .venv/bin/python scripts/bench_content_sync.py postgresql://postgres@127.0.0.1:5432/colab_bench_sync
The PostgreSQL database is dropped and created again (its name must contain "bench").
"""
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from seed_scale import recreate_database  # noqa: E402

from colab import create_app  # noqa: E402
from colab.courses.sync import cpu_count, sync_content  # noqa: E402
from colab.extensions import db  # noqa: E402
from colab.i18n import LANGUAGES  # noqa: E402

SOURCE = ROOT / "content" / "power-patriarchy-feminism"
MODULES, PER_MODULE = 10, 5


def build_course(target):
    """A 50-lesson course in target/bench-course, and the languages it has."""
    spec = yaml.safe_load((SOURCE / "course.yml").read_text())
    real = [(module["slug"], lesson) for module in spec["modules"] for lesson in module["lessons"]]
    languages = [code for code in LANGUAGES if (SOURCE / code).is_dir()]
    folder = target / "bench-course"
    modules = []
    for m in range(MODULES):
        slugs = []
        for n in range(PER_MODULE):
            module_slug, lesson_slug = real[(m * PER_MODULE + n) % len(real)]
            slug = f"lesson-{m * PER_MODULE + n + 1:02d}"
            for code in languages:
                destination = folder / code / f"module-{m + 1:02d}" / f"{slug}.md"
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_text(distinct_copy(SOURCE / code / module_slug / f"{lesson_slug}.md", slug))
            slugs.append(slug)
        modules.append({"slug": f"module-{m + 1:02d}", "title": {code: f"Module {m + 1}" for code in languages},
                        "lessons": slugs})
    course = {"slug": "bench-course", "position": 9, "title": {code: "Bench course" for code in languages},
              "summary": {code: "Fifty lessons." for code in languages}, "modules": modules}
    (folder / "course.yml").write_text(yaml.safe_dump(course, allow_unicode=True))
    return languages


def distinct_copy(path, mark):
    """The lesson file with every text to render (body, prompts, choices, feedback) made different from the other
    copies, as in a real course: sync would otherwise render a repeated text once."""
    _, front, body = path.read_text().split("---\n", 2)
    meta = yaml.safe_load(front)
    for activity in meta.get("activities", []):
        for key in ("prompt", "question"):
            if key in activity:
                activity[key] += f" ({mark})"
        for choice in activity.get("choices", []):
            choice["text"] += f" ({mark})"
            if "feedback" in choice:
                choice["feedback"] += f" ({mark})"
    return f"---\n{yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)}---\n{body}\n({mark})\n"


def fresh_database(url, scratch):
    """The PostgreSQL database url names, dropped and created again; else a SQLite file in scratch."""
    return recreate_database(url) if url else "sqlite:///" + str(scratch / "sync.sqlite")


def main(url=None):
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        languages = build_course(scratch / "content")
        app = create_app({"SQLALCHEMY_DATABASE_URI": fresh_database(url, scratch), "SECRET_KEY": "bench",
                          "TESTING": True}, instance_path=str(scratch / "instance"))
        with app.app_context():
            db.create_all()
            for label in ("first sync", "unchanged"):
                started = time.perf_counter()
                report = sync_content(scratch / "content", workers=cpu_count())  # as `flask content sync` does
                db.session.commit()
                print(f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]:<10} {label:<11} "
                      f"{time.perf_counter() - started:5.2f} s  ({report}; languages: {', '.join(languages)})")
            db.engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
