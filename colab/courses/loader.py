"""Read and validate the content folder; every problem names the file, the line and what is wrong.

A course folder holds course.yml, one folder per language (lessons, and the printable facilitator-guide.md) and
surveys/<slug>.yml (pre-course, post-course and end-of-module surveys)."""
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..i18n import LANGUAGES
from ..markup import RENDER_VERSION
from .survey_files import GUIDE, SURVEYS, SurveyReading  # noqa: F401 - GUIDE and SURVEYS name the files here too
from .yaml_lines import FRONT_MATTER, LineDict, LineLoader

SECTION = re.compile(r"^## ", re.MULTILINE)  # a lesson's sections: side-by-side reading pairs them in order
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ACTIVITY_TYPES = ("reflection", "selfcheck")


@dataclass
class Problem:
    path: Path
    line: int | None
    message: str

    def __str__(self):
        path = self.path
        try:
            path = Path(path).resolve().relative_to(Path.cwd())
        except ValueError:
            pass
        where = f"{path}:{self.line}" if self.line else str(path)
        return f"{where}: {self.message}"


class ContentError(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ActivitySpec:
    slug: str
    kind: str
    prompt: str = ""
    choices: list = field(default_factory=list)  # [(text, feedback)]
    correct: int | None = None


@dataclass
class LessonSpec:
    locale: str
    title: str
    minutes: int
    body: str
    objectives: list = field(default_factory=list)
    content_note: str = ""
    activities: list = field(default_factory=list)
    path: Path | None = None
    resources: list = field(default_factory=list)  # library slugs to show under the lesson, in order
    digest: str = ""  # of the file's text and markup.RENDER_VERSION: unchanged means nothing to render again


@dataclass
class ModuleSpec:
    slug: str
    title: dict
    summary: dict
    lessons: list  # lesson slugs in order
    opens_after_days: int | None = None  # scheduled cohorts: days after the start date the module opens


@dataclass
class CourseSpec:
    slug: str
    position: int
    title: dict
    summary: dict
    modules: list
    lessons: dict  # slug -> {locale: LessonSpec}
    surveys: list = field(default_factory=list)  # [SurveySpec]
    guides: dict = field(default_factory=dict)  # locale -> GuideSpec
    # {locale: {lesson slug: why}}: lessons knowingly missing in one of the course's languages (the documented
    # fallback; readers of that language are shown another language meanwhile).
    untranslated: dict = field(default_factory=dict)

    @property
    def languages(self):
        """The languages the course is offered in: those its title is given in."""
        return [code for code in LANGUAGES if code in self.title]




class _Reader(SurveyReading):
    """Collects problems while reading one content tree."""

    def __init__(self, root):
        self.root = Path(root)
        self.problems = []

    def problem(self, path, line, message):
        self.problems.append(Problem(path, line, message))

    def read_text(self, path):
        """The file's text, or None (a problem noted) when it is not UTF-8."""
        try:
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as error:
            line = path.read_bytes()[:error.start].count(b"\n") + 1
            self.problem(path, line, "the file is not UTF-8 text: save it as UTF-8")
            return None

    def load_yaml(self, path, text, line_offset=0):
        try:
            data = yaml.load(text, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 + line_offset if mark else None
            self.problem(path, line, f"YAML cannot be read: {getattr(error, 'problem', error)}")
            return None
        if not isinstance(data, dict):
            self.problem(path, 1 + line_offset, "expected a mapping of fields (key: value)")
            return None
        return data

    def opens_after_days(self, path, raw, mslug, earlier):
        """A module's default opening day in a scheduled cohort: a whole number of days after the start,
        never before an earlier module's."""
        days = raw.get("opens_after_days")
        if days is None:
            return None
        line = self.line_of(raw, "opens_after_days")
        if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3650:
            self.problem(path, line, f'module "{mslug}": opens_after_days must be a whole number from 0 to 3650')
            return None
        before = [module.opens_after_days for module in earlier if module.opens_after_days is not None]
        if before and days < max(before):
            self.problem(path, line, f'module "{mslug}": opens_after_days ({days}) is before an earlier '
                                     f'module\'s ({max(before)})')
        return days

    def line_of(self, mapping, key, offset=0):
        line = getattr(mapping, "key_lines", {}).get(key) or getattr(mapping, "line", None)
        return line + offset if line else None

    def translated(self, path, mapping, key, required=True):
        """A {locale: text} field; English is required when the field is."""
        value = mapping.get(key)
        line = self.line_of(mapping, key)
        if value is None:
            if required:
                self.problem(path, mapping.line, f'missing "{key}"')
            return {}
        if not isinstance(value, dict):
            self.problem(path, line, f'"{key}" must list one text per language, e.g. en: ...')
            return {}
        for code, text in value.items():
            if code not in LANGUAGES:
                self.problem(path, line, f'"{key}" has unknown language "{code}"')
            elif not isinstance(text, str) or not text.strip():
                self.problem(path, line, f'"{key}" in "{code}" is empty')
        if required and "en" not in value:
            self.problem(path, line, f'"{key}" has no English (en) text')
        return {c: str(t).strip() for c, t in value.items() if c in LANGUAGES and t}

    def slug(self, path, line, value, what):
        if not isinstance(value, str) or not SLUG.match(value):
            self.problem(path, line, f'{what} slug {value!r} must be lowercase letters, digits and hyphens')
            return False
        return True

    # --- course.yml ---------------------------------------------------------

    def read_course(self, folder):
        path = folder / "course.yml"
        if not path.exists():
            self.problem(folder, None, "course folder has no course.yml")
            return None
        text = self.read_text(path)
        data = self.load_yaml(path, text) if text is not None else None
        if data is None:
            return None
        slug = data.get("slug")
        if slug != folder.name:
            self.problem(path, self.line_of(data, "slug"), f'slug must be "{folder.name}", the folder name')
        position = data.get("position", 100)
        if not isinstance(position, int):
            self.problem(path, self.line_of(data, "position"), "position must be a whole number")
            position = 100
        modules, seen_modules, listed = [], set(), {}
        raw_modules = data.get("modules")
        if not isinstance(raw_modules, list) or not raw_modules:
            self.problem(path, self.line_of(data, "modules"), "modules must be a non-empty list")
            raw_modules = []
        for number, raw in enumerate(raw_modules, 1):
            if not isinstance(raw, dict):
                self.problem(path, self.line_of(data, "modules"), f"module {number} must be a mapping")
                continue
            mslug = raw.get("slug")
            if not self.slug(path, self.line_of(raw, "slug"), mslug, f"module {number}"):
                continue
            if mslug in seen_modules:
                self.problem(path, self.line_of(raw, "slug"), f'duplicate module slug "{mslug}"')
            seen_modules.add(mslug)
            lessons = raw.get("lessons")
            if not isinstance(lessons, list) or not lessons:
                self.problem(path, self.line_of(raw, "lessons"), f'module "{mslug}" must list its lessons')
                lessons = []
            for lslug in lessons:
                line = self.line_of(raw, "lessons")
                if not self.slug(path, line, lslug, "lesson"):
                    continue
                if lslug in listed:
                    self.problem(path, line, f'duplicate lesson slug "{lslug}" (lesson slugs are unique in a course)')
                listed[lslug] = (mslug, line)
            modules.append(ModuleSpec(mslug, self.translated(path, raw, "title"),
                                      self.translated(path, raw, "summary", required=False),
                                      [s for s in lessons if isinstance(s, str)],
                                      self.opens_after_days(path, raw, mslug, modules)))
        course = CourseSpec(slug=folder.name, position=position, modules=modules, lessons={},
                            title=self.translated(path, data, "title"),
                            summary=self.translated(path, data, "summary", required=False))
        course.untranslated = self.untranslated(path, data, course, listed)
        self.read_lessons(folder, course, listed, path)
        self.check_parity(course, listed, path, data)
        self.read_surveys(folder, course)
        return course

    def untranslated(self, path, data, course, listed):
        """The documented fallbacks: untranslated: {locale: {lesson slug: why}}."""
        raw = data.get("untranslated")
        if raw is None:
            return {}
        line = self.line_of(data, "untranslated")
        if not isinstance(raw, dict):
            self.problem(path, line, '"untranslated" must map a language to its missing lessons, each with why, '
                                     'e.g. fr: {lesson-slug: "Being translated; shown in English until May"}')
            return {}
        result = {}
        for code, lessons in raw.items():
            where = self.line_of(raw, code) or line
            if code not in course.languages:
                self.problem(path, where, f'"untranslated" names "{code}", which is not one of the course\'s '
                                          f'languages ({", ".join(course.languages)}, from its title)')
                continue
            if not isinstance(lessons, dict):
                self.problem(path, where, f'"untranslated: {code}" must map each lesson slug to why it is missing')
                continue
            for lslug, why in lessons.items():
                at = self.line_of(lessons, lslug) or where
                if lslug not in listed:
                    self.problem(path, at, f'"untranslated: {code}" names "{lslug}", which is not a lesson of '
                                           'this course')
                elif not isinstance(why, str) or not why.strip():
                    self.problem(path, at, f'"untranslated: {code}: {lslug}" must say why it is missing')
                else:
                    result.setdefault(code, {})[lslug] = why.strip()
        return result

    def check_parity(self, course, listed, path, data):
        """Every lesson exists in every language of the course, unless listed under "untranslated"; and a
        lesson listed there really is missing (the list must not go stale)."""
        for lslug in course.lessons:
            mslug, line = listed[lslug]
            for code in course.languages:
                documented = lslug in course.untranslated.get(code, {})
                exists = (path.parent / code / mslug / f"{lslug}.md").is_file()  # broken files are reported already
                if not exists and not documented:
                    self.problem(path, line, f'lesson "{lslug}" has no {code} version: write '
                                             f'{code}/{mslug}/{lslug}.md, or list it in course.yml under '
                                             f'"untranslated: {code}:" with why (readers are shown another '
                                             'language meanwhile)')
                elif exists and documented:
                    at = self.line_of(data.get("untranslated", {}).get(code, {}), lslug)
                    self.problem(path, at, f'lesson "{lslug}" is listed as untranslated in {code}, but '
                                           f'{code}/{mslug}/{lslug}.md exists: remove it from "untranslated"')

    def read_lessons(self, folder, course, listed, course_path):
        for locale_dir in sorted(p for p in folder.iterdir() if p.is_dir() and p.name != SURVEYS):
            if locale_dir.name not in LANGUAGES:
                self.problem(locale_dir, None,
                             f'"{locale_dir.name}" is not a platform language ({", ".join(LANGUAGES)})')
                continue
            self.read_guide_in(locale_dir, course)
            for path in sorted(locale_dir.glob("*/*.md")):
                lslug, mslug = path.stem, path.parent.name
                if lslug not in listed:
                    self.problem(path, None, f'lesson "{lslug}" is not listed in {course_path.name}')
                    continue
                if listed[lslug][0] != mslug:
                    self.problem(path, None,
                                 f'lesson "{lslug}" is listed under module "{listed[lslug][0]}", not "{mslug}"')
                    continue
                spec = self.read_lesson(path, locale_dir.name)
                if spec:
                    course.lessons.setdefault(lslug, {})[locale_dir.name] = spec
        for lslug, (_module, line) in listed.items():
            reported = any(p.path.stem == lslug for p in self.problems if isinstance(p.path, Path))
            if lslug not in course.lessons and not reported:
                self.problem(course_path, line, f'lesson "{lslug}" is listed but has no file in any language')
        for versions in course.lessons.values():
            self.compare_translations(versions)

    # --- one lesson file ---------------------------------------------------

    def read_lesson(self, path, locale):
        text = self.read_text(path)
        if text is None:
            return None
        match = FRONT_MATTER.match(text)
        if not match:
            self.problem(path, 1, "the file must start with front matter between two --- lines")
            return None
        meta = self.load_yaml(path, match.group(1) or "", line_offset=1)
        if meta is None:
            return None
        at = lambda key: self.line_of(meta, key, 1)  # noqa: E731 - front matter starts on line 2
        ok = True
        if meta.get("slug") not in (None, path.stem):
            self.problem(path, at("slug"), f'slug "{meta["slug"]}" must equal the file name "{path.stem}"')
            ok = False
        title = meta.get("title")
        if not isinstance(title, str) or not title.strip():
            self.problem(path, at("title"), 'missing "title"')
            ok = False
        minutes = meta.get("minutes")
        if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 240:
            self.problem(path, at("minutes"), '"minutes" must be a whole number from 1 to 240')
            ok = False
        objectives = meta.get("objectives") or []
        if not isinstance(objectives, list) or not all(isinstance(o, str) for o in objectives):
            self.problem(path, at("objectives"), '"objectives" must be a list of sentences')
            ok = False
        note = meta.get("content_note") or ""
        if not isinstance(note, str):
            self.problem(path, at("content_note"), '"content_note" must be text')
            ok = False
        resources = meta.get("resources") or []
        if not isinstance(resources, list) or not all(isinstance(r, str) and SLUG.match(r) for r in resources):
            self.problem(path, at("resources"), '"resources" must be a list of library slugs (lowercase letters, '
                                                'digits and hyphens)')
            ok = False
        activities = self.read_activities(path, meta, at)
        if not match.group(2).strip():
            self.problem(path, None, "the lesson has no body text after the front matter")
            ok = False
        if not ok or activities is None:
            return None
        return LessonSpec(locale=locale, title=title.strip(), minutes=minutes, body=match.group(2),
                          objectives=[o.strip() for o in objectives], content_note=note.strip(),
                          activities=activities, path=path, resources=list(dict.fromkeys(resources)),
                          digest=hashlib.sha256(f"{RENDER_VERSION}\n{text}".encode()).hexdigest())

    def read_activities(self, path, meta, at):
        raw = meta.get("activities") or []
        if not isinstance(raw, list):
            self.problem(path, at("activities"), '"activities" must be a list')
            return None
        result, seen, ok = [], set(), True
        for number, item in enumerate(raw, 1):
            line = (item.line + 1) if isinstance(item, LineDict) else at("activities")
            if not isinstance(item, dict):
                self.problem(path, line, f"activity {number} must be a mapping")
                ok = False
                continue
            kind, slug = item.get("type"), item.get("slug")
            label = f'activity {number} ({kind} "{slug}")'
            if kind not in ACTIVITY_TYPES:
                self.problem(path, line,
                             f'activity {number}: unknown type {kind!r} (use {" or ".join(ACTIVITY_TYPES)})')
                ok = False
                continue
            if not self.slug(path, line, slug, f"activity {number}"):
                ok = False
                continue
            if slug in seen:
                self.problem(path, line, f'duplicate activity slug "{slug}"')
                ok = False
            seen.add(slug)
            spec = self.read_activity(path, line, label, item, kind, slug)
            ok = ok and spec is not None
            if spec:
                result.append(spec)
        return result if ok else None

    def read_activity(self, path, line, label, item, kind, slug):
        text_key = "prompt" if kind == "reflection" else "question"
        text = item.get(text_key)
        if not isinstance(text, str) or not text.strip():
            self.problem(path, line, f'{label}: missing "{text_key}"')
            return None
        if kind == "reflection":
            return ActivitySpec(slug, kind, prompt=text.strip())
        choices = item.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            self.problem(path, line, f"{label}: a self-check needs at least two choices")
            return None
        parsed, correct = [], []
        for index, choice in enumerate(choices):
            cline = (choice.line + 1) if isinstance(choice, LineDict) else line
            if not isinstance(choice, dict) or not str(choice.get("text") or "").strip():
                self.problem(path, cline, f'{label}: choice {index + 1} has no "text"')
                return None
            if not str(choice.get("feedback") or "").strip():
                self.problem(path, cline, f'{label}: choice {index + 1} has no "feedback"')
                return None
            if choice.get("correct") is True:
                correct.append(index)
            parsed.append((str(choice["text"]).strip(), str(choice["feedback"]).strip()))
        if len(correct) != 1:
            what = "no choice is marked correct: true" if not correct else "more than one choice is marked correct"
            self.problem(path, line, f"{label}: {what}")
            return None
        return ActivitySpec(slug, kind, prompt=text.strip(), choices=parsed, correct=correct[0])

    def compare_translations(self, versions):
        """Every translation of a lesson has the same activities, so answers mean the same, and the same number
        of ## headings, so side-by-side reading pairs each section with its translation."""
        locales = sorted(versions, key=list(LANGUAGES).index)
        reference = versions[locales[0]]
        for locale in locales[1:]:
            mine, theirs = len(SECTION.findall(versions[locale].body)), len(SECTION.findall(reference.body))
            if mine != theirs:
                self.problem(versions[locale].path, None,
                             f"it has {mine} sections (## headings), the {reference.locale} version "
                             f"({reference.path.name}) {theirs}: keep the same ## headings in the same order in "
                             "every translation, so that side-by-side reading lines them up")
        shape = lambda spec: [(a.slug, a.kind, len(a.choices), a.correct) for a in spec.activities]  # noqa: E731
        for locale in locales[1:]:
            mine, theirs = shape(versions[locale]), shape(reference)
            if mine != theirs:
                shorter = min(len(mine), len(theirs))
                index = next((i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b), shorter)
                detail = (f"activity {index + 1} differs" if index < shorter
                          else f"it has {len(mine)} activities, the {reference.locale} version {len(theirs)}")
                self.problem(versions[locale].path, None,
                             f"activities do not match the {reference.locale} version ({reference.path.name}): "
                             f"{detail}; translations need the same slugs, types, number of choices and correct "
                             "choice in the same order")

    # --- the facilitator guide: <locale>/facilitator-guide.md -----------------------------------------

def read_content(root):
    """Parse and validate every course under root; raise ContentError listing all problems."""
    reader = _Reader(root)
    root = Path(root)
    if not root.is_dir():
        raise ContentError([Problem(root, None, "content folder not found")])
    courses = [reader.read_course(folder) for folder in sorted(root.iterdir()) if folder.is_dir()]
    if reader.problems:
        raise ContentError(reader.problems)
    return [course for course in courses if course]
