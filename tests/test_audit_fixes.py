"""What the outside audit of issue 14 found in the HTML, fixed: no paragraph inside a self-check's label or legend,
<time datetime> to the second, no id twice on a page, a heading on each queued post, self-check feedback that takes
the focus, a word after "Mark as done and continue", visited links that look visited, a meta description on every
page and a /favicon.ico that costs nothing."""
import re
from collections import Counter
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from factories import PASSWORD
from test_harassment import Cast
from test_moderation import BASE, World

from colab.accounts.models import User
from colab.communities.models import Post
from colab.courses.models import Activity
from colab.extensions import db
from colab.markup import SafeHTML, inline, render
from colab.models_base import utcnow

POSTGRESQL = False  # what an accessibility audit found: markup, headers and wording (see conftest.py)

COURSE = "/courses/listening-basics/"
LESSON = f"{COURSE}why-listen/"
SELFCHECK = f"{LESSON}activities/listening-purpose"
QUESTION = "What is the main purpose of listening in a dialogue?"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, dict(attrs), parent, [], []

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()

    def find_all(self, tag=None, **attrs):
        """Elements by tag and exact attribute values (class_ for class, aria_labelledby for aria-labelledby)."""
        wanted = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        return [element for element in self.descendants() if (tag is None or element.tag == tag)
                and all(element.attrs.get(name) == value for name, value in wanted.items())]

    def by_id(self, wanted):
        [found] = self.find_all(id=wanted)
        return found

    @property
    def text(self):
        return " ".join("".join(self.parts).split())


class Tree(HTMLParser):
    """A page as a tree of elements (enough of one for these tests: closed tags, void elements)."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        element = self.current
        while element is not self.root and element.tag != tag:
            element = element.parent
        if element is not self.root:
            self.current = element.parent

    def handle_data(self, data):
        element = self.current
        while element is not None:
            element.parts.append(data)
            element = element.parent


def tree(response):
    assert response.status_code == 200, response.status_code
    return Tree(response.get_data(as_text=True)).root


def duplicate_ids(page):
    """The id="…" values that a page holds more than once."""
    return sorted(value for value, count in Counter(re.findall(r'\sid="([^"]*)"', page)).items() if count > 1)


@pytest.fixture
def learner(client, content, auth):
    user_id, _ = auth.as_new_user()
    client.post(f"{COURSE}enrol")
    return user_id


# --- 1. a self-check's choices and question hold no paragraph -------------------------------------------------

def test_a_self_check_label_and_legend_hold_the_text_without_a_paragraph(client, learner):
    page = tree(client.get(LESSON))
    [fieldset] = page.find_all("fieldset")
    [legend] = fieldset.find_all("legend")
    assert legend.text == QUESTION and not legend.find_all("p")
    labels = fieldset.find_all("label")
    assert [label.text for label in labels] == ["To prepare a reply.", "To understand the other person.",
                                                "To win the argument."]
    assert not [label for label in labels if label.find_all("p")]


def test_a_question_of_several_paragraphs_names_its_group_without_a_legend(client, app, learner):
    with app.app_context():
        activity = db.session.scalar(db.select(Activity).filter_by(slug="listening-purpose"))
        texts = {locale: dict(text) for locale, text in activity.texts.items()}
        texts["en"]["prompt_html"] = render("Read this first.\n\nThen: what is listening for?")
        activity.texts = texts
        db.session.commit()
    page = tree(client.get(LESSON))
    [fieldset] = page.find_all("fieldset")
    assert not fieldset.find_all("legend")  # a legend may not hold paragraphs
    question = page.by_id(fieldset.attrs["aria-labelledby"])
    assert [p.text for p in question.find_all("p")] == ["Read this first.", "Then: what is listening for?"]
    assert not [label for label in fieldset.find_all("label") if label.find_all("p")]


def test_inline_takes_a_single_paragraph_out_of_its_p_and_leaves_the_rest():
    assert inline(render("To *listen*.")) == "To <em>listen</em>."
    assert isinstance(inline(render("To *listen*.")), SafeHTML)
    for source in ("One.\n\nTwo.", "- a list", "> a quote", ""):
        assert inline(render(source)) == render(source)
    with pytest.raises(TypeError):
        inline("<p>not rendered</p>")


# --- 2. <time datetime> to the second ------------------------------------------------------------------------

def test_a_post_time_is_machine_readable_to_the_second(app, client, auth, community_kit):
    user_id, _ = auth.as_new_user()
    community_kit.community("circle")
    community_kit.member(user_id, "circle")
    thread_id = community_kit.thread(user_id, "circle", "On care", "Care is work.")
    with app.app_context():  # a time with microseconds, as the database keeps one
        post = db.session.scalar(db.select(Post).filter_by(thread_id=thread_id))
        post.created_at = (utcnow() - timedelta(hours=1)).replace(microsecond=123456)
        db.session.commit()
        expected = post.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    times = tree(client.get(f"/communities/circle/threads/{thread_id}/")).find_all("time")
    assert [time.attrs["datetime"] for time in times] == [expected]


# --- 3. no id twice on a page --------------------------------------------------------------------------------

def test_the_account_page_holds_no_id_twice(client, auth):
    auth.as_new_user()
    page = client.get("/account").get_data(as_text=True)
    assert page.count("<form") >= 3 and 'name="csrf_token"' in page
    assert duplicate_ids(page) == []


@pytest.fixture
def cast(app, client, make_user, community_kit):
    return Cast(app, make_user, community_kit)


def test_a_harassment_report_page_and_an_admin_page_hold_no_id_twice(cast):
    report_id = cast.file("rita")
    page = cast.text("ada", f"/reports/{report_id}")
    assert page.count("<form") >= 3
    assert duplicate_ids(page) == []
    person = cast.text("ada", f"/admin/users/{cast.ids['fatou']}")
    assert person.count("<form") >= 3
    assert duplicate_ids(person) == []


# --- 4. a heading on each queued post ------------------------------------------------------------------------

@pytest.fixture
def world(app, client, make_user, community_kit):
    return World(app, make_user, community_kit)


def test_each_post_in_the_review_queue_has_a_heading(world):
    world.report("rafa")
    world.send("fola", f"{BASE}/moderation/premoderation", posts=1)
    world.reply("bea", "My first words here")
    articles = Tree(world.text("fola", f"{BASE}/moderation")).root.find_all("article")
    assert len(articles) == 2  # the reported post and the held one
    headings = [article.find_all("h3") for article in articles]
    assert [[h.text for h in found] for found in headings] == [["Post by Amara Author in On care work"],
                                                              ["Post by Bea Bystander in On care work"]]
    assert all(found[0].find_all("a") for found in headings)  # the thread's title still leads to the post


# --- 5. self-check feedback takes the focus; "Mark as done" says it was saved ------------------------------------

def test_the_feedback_is_where_the_answer_leads_and_describes_the_focused_activity(client, learner):
    response = client.post(SELFCHECK, data={"a-listening-purpose-choice": "0"})
    assert response.status_code == 302 and response.location.endswith("#activity-listening-purpose")
    page = tree(client.get(LESSON))
    target = page.by_id("activity-listening-purpose")
    assert target.attrs.get("tabindex") == "-1"  # the browser moves the focus to the fragment's target
    assert page.by_id(target.attrs["aria-labelledby"]).text == "Self-check"
    feedback = page.by_id(target.attrs["aria-describedby"])
    assert feedback.text.startswith("Not quite.") and "you stop hearing them" in feedback.text
    # A status that already holds text on a page just loaded is not announced: it would only mislead. (The empty
    # one that offline.js fills later, when what was done offline is sent, is a live region as it should be.)
    assert not [status for status in page.find_all(role="status") if status.text.strip()]


def test_an_activity_not_answered_yet_takes_no_focus(client, learner):
    page = tree(client.get(LESSON))
    assert "tabindex" not in page.by_id("activity-listening-purpose").attrs
    assert not [element for element in page.descendants() if "feedback" in element.attrs.get("class", "").split()]


def test_mark_as_done_and_continue_says_the_lesson_was_saved(client, learner):
    response = client.post(f"{LESSON}complete")
    assert response.location.endswith(f"{COURSE}listening-to-disagree/")
    page = client.get(response.location).get_data(as_text=True)
    assert "Lesson marked as done: Why listen?" in page


# --- 6. visited links ----------------------------------------------------------------------------------------

def contrast(one, other):
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    dark, light = sorted((luminance(one), luminance(other)))
    return (light + 0.05) / (dark + 0.05)


def test_visited_links_have_their_own_colour_with_aa_contrast(client):
    css = client.get("/static/style.css").get_data(as_text=True)
    palette = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css))
    rule = re.search(r"(?:^|\})\s*(a:visited[^{]*)\{\s*color:\s*var\(--([a-z-]+)\)", css, re.M)
    assert rule, "no colour for visited links"
    visited = palette[rule.group(2)]
    assert visited != palette["accent"]
    assert contrast(visited, palette["paper"]) >= 4.5 and contrast(visited, palette["soft"]) >= 4.5
    assert ":not([class]" in rule.group(1)  # buttons and the brand, which are links too, keep their colours


# --- 7. a meta description on every page, neutral in discreet mode ---------------------------------------------

def description(response):
    [meta] = tree(response).find_all("meta", name="description")
    return meta.attrs["content"]


def test_every_page_has_a_description_in_the_readers_language(client, content):
    assert description(client.get("/")).startswith("Co-Lab is where members of the MenEngage Alliance learn")
    assert description(client.get("/courses/")).startswith("Co-Lab is where")
    assert description(client.get("/", headers={"Accept-Language": "es"})).startswith("Co-Lab es el espacio")


def test_a_lesson_is_described_by_its_objectives(client, learner):
    assert description(client.get(LESSON)) == "Explain why listening is a political act."


def test_a_discreet_page_is_described_neutrally(app, client, auth, content):
    user_id, _ = auth.as_new_user()
    with app.app_context():
        db.session.get(User, user_id).discreet = True
        db.session.commit()
    for url in ("/", COURSE, "/account"):
        assert description(client.get(url)) == "Notes", url


# --- 8. /favicon.ico ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("visitor", ["signed out", "signed in", "kept signed in, browser reopened"])
def test_favicon_ico_is_an_empty_answer_kept_a_year_without_a_cookie(client, make_user, visitor):
    if visitor != "signed out":
        _, email = make_user()
        client.post("/sign-in", data={"email": email, "password": PASSWORD, "remember": "y"})
    if visitor.startswith("kept"):  # only the remember cookie is left: a page would sign them in again
        client.delete_cookie("session", domain="colab.test")
    response = client.get("/favicon.ico")
    assert response.status_code == 204 and response.data == b""
    assert response.cache_control.max_age >= 365 * 24 * 3600 and response.cache_control.public
    assert "Set-Cookie" not in response.headers
