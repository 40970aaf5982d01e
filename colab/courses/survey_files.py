"""The survey and facilitator-guide files of a course folder, read and validated as the lessons are (file, line,
problem): surveys/<slug>.yml and <locale>/facilitator-guide.md. SurveyReading is part of loader._Reader."""
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import LANGUAGES
from .yaml_lines import FRONT_MATTER, LineDict

SURVEYS = "surveys"  # content/<course>/surveys/<slug>.yml
GUIDE = "facilitator-guide.md"  # content/<course>/<locale>/facilitator-guide.md
SURVEY_KINDS = ("pre", "post", "module")
QUESTION_TYPES = ("scale", "single", "multiple", "text")
SURVEY_FIELDS = {"slug", "kind", "module", "version", "same_as", "title", "intro", "questions"}
QUESTION_FIELDS = {"scale": {"min", "max", "low", "high"}, "single": {"choices"}, "multiple": {"choices"},
                   "text": set()}
SCALE_LIMITS = (0, 10)


@dataclass
class QuestionSpec:
    """One survey question; texts is {locale: {"text", and "choices": [...] or "low"/"high" for a scale}}."""

    slug: str
    type: str
    required: bool
    texts: dict
    choices: int = 0  # how many choices (single, multiple)
    min: int | None = None  # a scale's ends
    max: int | None = None


@dataclass
class SurveySpec:
    """A survey of a course (surveys/<slug>.yml). A post survey with same_as has the questions and version of the
    survey it names."""

    slug: str
    kind: str
    version: int
    title: dict  # {locale: text}: the survey's languages
    intro: dict
    questions: list
    module: str | None = None  # module slug, for kind "module"
    same_as: str | None = None
    path: Path | None = None
    lines: dict = field(default_factory=dict)  # the line of each top-level field, for problems found later


@dataclass
class GuideSpec:
    """The printable focus-group facilitator guide of a course in one language."""

    locale: str
    title: str
    body: str
    path: Path | None = None



class SurveyReading:
    """Reading a course's surveys and guides; uses the loader's problem(), load_yaml(), translated() and slug()."""

    def read_guide_in(self, locale_dir, course):
        """The language folder's facilitator guide, if any; no other file may sit beside the module folders."""
        for path in sorted(p for p in locale_dir.iterdir() if p.is_file() and p.suffix == ".md"):
            if path.name != GUIDE:
                self.problem(path, None, f"only {GUIDE} may sit directly in a language folder; a lesson goes in "
                                         f"{locale_dir.name}/<module>/<lesson>.md")
                continue
            text = self.read_text(path)
            match = FRONT_MATTER.match(text) if text is not None else None
            if text is not None and not match:
                self.problem(path, 1, "the file must start with front matter between two --- lines")
            meta = self.load_yaml(path, match.group(1) or "", line_offset=1) if match else None
            if meta is None:
                continue
            title = meta.get("title")
            if not isinstance(title, str) or not title.strip():
                self.problem(path, self.line_of(meta, "title", 1) or 2, 'missing "title"')
            for key in sorted(meta.keys() - {"title"}, key=str):
                self.problem(path, self.line_of(meta, key, 1), f'unknown field "{key}" (a guide has only a title)')
            if not match.group(2).strip():
                self.problem(path, None, "the guide has no body text after the front matter")
            elif isinstance(title, str) and title.strip():
                course.guides[locale_dir.name] = GuideSpec(locale_dir.name, title.strip(), match.group(2), path)

    # --- surveys: surveys/<slug>.yml ----------------------------------------------------------------------

    def read_surveys(self, folder, course):
        folder = folder / SURVEYS
        if not folder.exists():
            return
        if not folder.is_dir():
            self.problem(folder, None, f"{SURVEYS} must be a folder of survey files")
            return
        broken = set()
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.suffix != ".yml":
                self.problem(path, None, f"a survey is a file {SURVEYS}/<slug>.yml; nothing else goes here")
                continue
            spec = self.read_survey(path, [module.slug for module in course.modules])
            if spec:
                course.surveys.append(spec)
            else:
                broken.add(path.stem)
        self.link_surveys(course.surveys, broken)

    def read_survey(self, path, modules):
        text = self.read_text(path)
        data = self.load_yaml(path, text) if text is not None else None
        if data is None or not self.slug(path, 1, path.stem, "survey file"):
            return None
        count = len(self.problems)
        if data.get("slug", path.stem) != path.stem:
            self.problem(path, self.line_of(data, "slug"), f'slug "{data["slug"]}" must equal the file name '
                                                           f'"{path.stem}"')
        for key in sorted(data.keys() - SURVEY_FIELDS, key=str):
            self.problem(path, self.line_of(data, key), f'unknown field "{key}" (a survey has '
                                                        f'{", ".join(sorted(SURVEY_FIELDS))})')
        kind, module, same_as = data.get("kind"), data.get("module"), data.get("same_as")
        if kind not in SURVEY_KINDS:
            self.problem(path, self.line_of(data, "kind"),
                         f'unknown kind {kind!r} (use {", ".join(SURVEY_KINDS[:-1])} or {SURVEY_KINDS[-1]})')
        if kind == "module" and module is None:
            self.problem(path, data.line, 'a module survey names its module: "module: <module slug>"')
        elif kind == "module" and module not in modules:
            self.problem(path, self.line_of(data, "module"),
                         f'unknown module {module!r} (course.yml has {", ".join(modules)})')
        elif kind != "module" and module is not None:
            self.problem(path, self.line_of(data, "module"), 'only a survey of kind "module" names a module')
        version = data.get("version")
        if not (same_as is not None and version is None) and (
                isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 10000):
            self.problem(path, self.line_of(data, "version"), '"version" must be a whole number from 1 (raise it '
                                                              'when you change the questions)')
        title = self.translated(path, data, "title")
        intro = self.translated(path, data, "intro", required=False)
        for code in intro.keys() - title.keys():
            self.problem(path, self.line_of(data, "intro"), f'"intro" has {code} text but "title" has none')
        for code in sorted(title.keys() - intro.keys()) if intro else []:
            self.problem(path, self.line_of(data, "intro"), f'"intro" has no {code} text (the survey is in '
                                                            f'{", ".join(title)})')
        if same_as is not None:
            if not isinstance(same_as, str):
                self.problem(path, self.line_of(data, "same_as"), '"same_as" names the pre survey by its slug')
            if kind != "post":
                self.problem(path, self.line_of(data, "same_as"), 'only a post survey may say "same_as"')
            if "questions" in data:
                self.problem(path, self.line_of(data, "questions"), f'a survey with "same_as" takes the questions of '
                                                                    f'"{same_as}": remove "questions"')
            questions = []
        else:
            questions = self.read_questions(path, data, [code for code in LANGUAGES if code in title])
        if len(self.problems) > count or not title:
            return None
        return SurveySpec(path.stem, kind, version, title, intro, questions, module=module,
                          same_as=same_as, path=path, lines=dict(data.key_lines))

    def read_questions(self, path, data, languages):
        raw = data.get("questions")
        if not isinstance(raw, list) or not raw:
            self.problem(path, self.line_of(data, "questions"), '"questions" must be a non-empty list')
            return []
        questions, seen = [], set()
        for number, item in enumerate(raw, 1):
            line = item.line if isinstance(item, LineDict) else self.line_of(data, "questions")
            if not isinstance(item, dict):
                self.problem(path, line, f"question {number} must be a mapping")
                continue
            kind, slug = item.get("type"), item.get("slug")
            if not self.slug(path, self.line_of(item, "slug"), slug, f"question {number}"):
                continue
            if slug in seen:
                self.problem(path, self.line_of(item, "slug"), f'duplicate question slug "{slug}"')
            seen.add(slug)
            if kind not in QUESTION_TYPES:
                self.problem(path, self.line_of(item, "type"), f'question "{slug}": unknown type {kind!r} (use '
                                                               f'{", ".join(QUESTION_TYPES[:-1])} or text)')
                continue
            question = self.read_question(path, item, f'question "{slug}"', kind, slug, languages)
            if question:
                questions.append(question)
        return questions

    def read_question(self, path, item, label, kind, slug, languages):
        count = len(self.problems)
        allowed = {"slug", "type", "text", "required"} | QUESTION_FIELDS[kind]
        for key in sorted(item.keys() - allowed, key=str):
            self.problem(path, self.line_of(item, key), f'{label}: unknown field "{key}" for a {kind} question')
        required = item.get("required", kind in ("scale", "single"))
        if not isinstance(required, bool):
            self.problem(path, self.line_of(item, "required"), f'{label}: "required" must be true or false')
        question = QuestionSpec(slug, kind, required is True, {code: {} for code in languages})
        fields = ["text"] + (["low", "high"] if kind == "scale" else [])
        for key in fields:
            for code, text in self.in_languages(path, item, key, label, languages, str).items():
                question.texts[code][key] = text.strip()
        if kind == "scale":
            low, high = item.get("min"), item.get("max")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)) \
                    or not SCALE_LIMITS[0] <= low < high <= SCALE_LIMITS[1]:
                self.problem(path, self.line_of(item, "min"), f'{label}: a scale needs whole numbers "min" and "max", '
                                                              f'min below max, from {SCALE_LIMITS[0]} to '
                                                              f'{SCALE_LIMITS[1]}')
                return None
            question.min, question.max = low, high
        elif kind in ("single", "multiple"):
            choices = self.in_languages(path, item, "choices", label, languages, list)
            counts = {code: len(values) for code, values in choices.items()}
            if any(number < 2 for number in counts.values()):
                self.problem(path, self.line_of(item, "choices"), f"{label}: give at least two choices")
            elif len(set(counts.values())) > 1:
                detail = ", ".join(f"{number} in {code}" for code, number in counts.items())
                self.problem(path, self.line_of(item, "choices"), f"{label}: every language needs the same number "
                                                                  f"of choices, in the same order ({detail})")
            for code, values in choices.items():
                question.texts[code]["choices"] = values
            question.choices = max(counts.values(), default=0)
        return question if len(self.problems) == count else None

    def in_languages(self, path, item, key, label, languages, kind):
        """A {locale: text} (or {locale: [texts]}) field of a question, in exactly the survey's languages."""
        value, line = item.get(key), self.line_of(item, key)
        if value is None:
            self.problem(path, item.line, f'{label}: missing "{key}"')
            return {}
        if not isinstance(value, dict):
            self.problem(path, line, f'{label}: "{key}" must give one entry per language, e.g. en: ...')
            return {}
        found = {}
        for code, text in value.items():
            if code not in languages:
                known = "not a platform language" if code not in LANGUAGES else "not in the survey's title"
                self.problem(path, line, f'{label}: "{key}" has language "{code}", {known}')
            elif kind is str and (not isinstance(text, str) or not text.strip()):
                self.problem(path, line, f'{label}: "{key}" in "{code}" is empty')
            elif kind is list and (not isinstance(text, list)
                                   or not all(isinstance(t, str | int | float) and str(t).strip() for t in text)):
                self.problem(path, line, f'{label}: "{key}" in "{code}" must be a list of texts')
            else:
                found[code] = text if kind is str else [str(t).strip() for t in text]
        for code in languages:
            if code not in value:
                self.problem(path, line, f'{label}: "{key}" has no {code} text (the survey is in '
                                         f'{", ".join(languages)})')
        return found

    def link_surveys(self, surveys, broken=()):
        """At most one pre, one post and one survey per module; a same_as names the pre survey and takes its
        questions and version (a same_as naming a broken file, already reported, is left alone)."""
        by_slug, first = {survey.slug: survey for survey in surveys}, {}
        for survey in surveys:
            key = survey.kind if survey.kind != "module" else ("module", survey.module)
            if key in first:
                what = f'module "{survey.module}" already has' if survey.kind == "module" \
                    else f"the course already has a {survey.kind} survey:"
                self.problem(survey.path, survey.lines.get(survey.kind if survey.kind == "module" else "kind"),
                             f'{what} "{first[key].slug}" (one each)')
            first.setdefault(key, survey)
        for survey in surveys:
            if survey.same_as is None or survey.same_as in broken:
                continue
            target = by_slug.get(survey.same_as)
            if target is None or target.kind != "pre":
                pre = next((s.slug for s in surveys if s.kind == "pre"), None)
                hint = f'the pre survey is "{pre}"' if pre else "this course has no pre survey"
                self.problem(survey.path, survey.lines.get("same_as"),
                             f"same_as: {survey.same_as!r} is not a pre survey of this course ({hint})")
                continue
            missing = [code for code in survey.title if code not in target.title]
            if missing:
                self.problem(survey.path, survey.lines.get("same_as"),
                             f'same_as "{target.slug}": that survey has no {", ".join(missing)} text, which this '
                             "one has")
            if survey.version is not None and survey.version != target.version:
                self.problem(survey.path, survey.lines.get("version"),
                             f'version {survey.version} differs from "{target.slug}" ({target.version}): leave '
                             '"version" out to take its version')
            survey.questions, survey.version = target.questions, target.version
