"""Issue 14, what the outside audit found in forms sent back with errors. The moderation forms (a post's reason, in
the review queue or on the thread; pre-moderation; slow mode) show the page again with status 400: the field marked
and tied to its message, what was typed kept, in a queue on the item it belongs to, and nothing saved. The error
summary above a form says there is a problem, links each message to its field, and takes the focus on load."""
import pytest
from test_audit_fixes import Tree
from test_moderation import BASE, World

from colab.communities.models import Community, Post, Thread
from colab.extensions import db
from colab.moderation.models import ModerationAction

POSTGRESQL = False  # forms shown again with what was typed and what to fix (see conftest.py)

SAY_WHY = "Say why: the author and the audit log will see it."


@pytest.fixture
def app_config():
    return {"POSTS_PER_PAGE": 2}  # so a post can be on the thread's second page


@pytest.fixture
def world(app, client, make_user, community_kit):
    return World(app, make_user, community_kit)


def page_of(response, status=400):
    assert response.status_code == status, (response.status_code, response.location)
    return Tree(response.get_data(as_text=True)).root


def marked(page, control_id, message):
    """The control is marked invalid and described by its message, shown next to it (in the same field)."""
    control = page.by_id(control_id)
    assert control.attrs.get("aria-invalid") == "true"
    assert control.attrs.get("aria-describedby") == f"{control_id}-error"
    error = page.by_id(f"{control_id}-error")
    assert message in error.text
    assert error.parent is control.parent and "has-error" in control.parent.attrs["class"]
    return control


def untouched(page, control_id):
    control = page.by_id(control_id)
    assert "aria-invalid" not in control.attrs and not page.find_all(id=f"{control_id}-error")
    assert control.text == ""
    return control


def summaries(page):
    return page.find_all("div", class_="error-summary")


def summary_links(summary):
    return [link.attrs["href"] for link in summary.find_all("a")]


def inside(element, ancestor):
    while element is not None:
        if element is ancestor:
            return True
        element = element.parent
    return False


def hold_posts(world, *keys):
    """Pre-moderation on; each person's first reply is held. Their held posts' ids, in order."""
    world.send("fola", f"{BASE}/moderation/premoderation", posts=1)
    for key in keys:
        world.reply(key, f"First words from {key}")
    return [world.rows(Post, author_id=world.ids[key])[0].id for key in keys]


def premoderation_setting(world):
    with world.app.app_context():
        return db.session.scalar(db.select(Community.premoderate_posts))


def slow_mode(world):
    with world.app.app_context():
        return db.session.get(Thread, world.thread).slow_mode_minutes


# --- 1. moderation forms sent back with their errors ------------------------------------------------------------

def test_hiding_without_a_reason_in_a_queue_of_several_marks_only_that_items_reason(world):
    world.report("rafa")  # the reported post, then two held ones
    bea_post, ruth_post = hold_posts(world, "bea", "ruth")
    before = len(world.rows(ModerationAction))
    page = page_of(world.act("fola", "hide", reason="   ", post=ruth_post))
    assert world.post_status(ruth_post) == "held" and len(world.rows(ModerationAction)) == before
    control = marked(page, f"held-reason-{ruth_post}", SAY_WHY)
    assert control.tag == "textarea" and control.attrs["name"] == "reason"
    ruths_item = page.by_id(f"post-{ruth_post}")
    assert inside(control, ruths_item)
    [summary] = summaries(page)
    assert inside(summary, ruths_item) and summary_links(summary) == [f"#held-reason-{ruth_post}"]
    assert SAY_WHY in summary.text
    untouched(page, f"held-reason-{bea_post}")
    untouched(page, f"reason-{world.post}")
    assert SAY_WHY not in page.by_id(f"post-{bea_post}").text + page.by_id(f"post-{world.post}").text
    # the same form, with a reason this time, does it
    assert world.act("fola", "hide", reason="Off topic", post=ruth_post).status_code == 302
    assert world.post_status(ruth_post) == "hidden"


def test_a_reason_too_long_is_kept_in_the_queue_items_field(world):
    world.report("rafa")
    [bea_post] = hold_posts(world, "bea")
    long_reason = "Not in keeping with agreement 3. " * 40  # over 1,000 characters
    page = page_of(world.act("fola", "approve", reason=long_reason, post=bea_post))
    assert world.post_status(bea_post) == "held"
    control = marked(page, f"held-reason-{bea_post}", "1000")
    assert control.text == " ".join(long_reason.split())
    untouched(page, f"reason-{world.post}")


def test_hiding_without_a_reason_on_the_thread_shows_that_post_again_on_its_page(world):
    for body in ("Second post", "Third post"):
        world.reply("bea", body)
    [third] = [post.id for post in world.rows(Post, author_id=world.ids["bea"]) if post.body_source == "Third post"]
    back = f"{BASE}/threads/{world.thread}/?page=2#post-{third}"
    page = page_of(world.send("fola", world.post_url("hide", third), reason="", back=back))
    assert world.post_status(third) == "visible" and world.rows(ModerationAction) == []
    item = page.by_id(f"post-{third}")  # the post's page (the second), its moderation tools open
    assert "Third post" in item.text and not page.find_all(id=f"post-{world.post}")
    [details] = item.find_all("details", class_="post-moderation")
    assert "open" in details.attrs
    control = marked(page, f"moderate-reason-{third}", SAY_WHY)
    assert inside(control, details)
    [summary] = summaries(page)
    assert inside(summary, details) and summary_links(summary) == [f"#moderate-reason-{third}"]
    # the form shown again still leads back to the thread page, not to the address it was sent to
    [back_field] = [field for field in details.find_all("input") if field.attrs.get("name") == "back"]
    done = world.send("fola", world.post_url("hide", third), reason="Off topic", back=back_field.attrs["value"])
    assert done.status_code == 302 and done.location.endswith(f"/threads/{world.thread}/?page=2#post-{third}")
    assert world.post_status(third) == "hidden"


def test_a_post_no_longer_in_the_queue_is_shown_again_on_its_thread(world):
    page = page_of(world.act("fola", "hide", reason=""))  # sent from the queue, but nothing reported it (any more)
    assert world.post_status() == "visible" and world.rows(ModerationAction) == []
    control = marked(page, f"moderate-reason-{world.post}", SAY_WHY)
    assert inside(control, page.by_id(f"post-{world.post}"))


@pytest.mark.parametrize("typed", ["-3", "21"])
def test_a_premoderation_count_out_of_range_is_shown_again_marked_and_kept(world, typed):
    world.report("rafa")
    page = page_of(world.send("fola", f"{BASE}/moderation/premoderation", posts=typed))
    assert premoderation_setting(world) == 0 and world.rows(ModerationAction) == []
    control = marked(page, "posts", "Enter a number of posts from 0 to 20.")
    assert control.attrs["value"] == typed
    [summary] = summaries(page)
    assert summary_links(summary) == ["#posts"]
    untouched(page, f"reason-{world.post}")  # the queue item below is as it was


@pytest.mark.parametrize("typed, message", [("99999", "Enter a number of minutes from 0 to 1440."),
                                            ("", "Enter a number of minutes.")])
def test_slow_mode_out_of_range_is_shown_again_on_the_thread_marked_and_kept(world, typed, message):
    page = page_of(world.send("fola", f"{BASE}/threads/{world.thread}/slow-mode", minutes=typed))
    assert slow_mode(world) == 0 and world.rows(ModerationAction) == []
    assert "On care work" in page.text and f"post-{world.post}" in [e.attrs.get("id") for e in page.find_all("li")]
    control = marked(page, "slow-minutes", message)
    assert control.attrs.get("value", "") == typed
    [summary] = summaries(page)
    assert summary_links(summary) == ["#slow-minutes"]
    assert world.send("fola", f"{BASE}/threads/{world.thread}/slow-mode", minutes="15").status_code == 302
    assert slow_mode(world) == 15


def test_a_moderation_page_without_errors_has_no_summary_and_no_marked_field(world):
    world.report("rafa")
    queue = page_of(world.get("fola", f"{BASE}/moderation"), status=200)
    thread = page_of(world.get("fola", f"{BASE}/threads/{world.thread}/"), status=200)
    for page in (queue, thread):
        assert summaries(page) == [] and not page.find_all(aria_invalid="true")
    assert thread.by_id("slow-minutes").attrs["value"] == "0"
    assert queue.by_id("posts").attrs["value"] == "0"


# --- 2. the error summary links to each field and takes the focus --------------------------------------------------

def test_the_error_summary_has_a_heading_and_links_to_each_field_with_an_error(client):
    page = page_of(client.post("/sign-up", data={"email": "", "display_name": "", "password": ""}), status=200)
    [summary] = summaries(page)
    assert summary.attrs["tabindex"] == "-1"
    [heading] = summary.find_all("h2")
    assert heading.text == "Please correct the highlighted fields."
    links = summary.find_all("a")
    assert {link.attrs["href"] for link in links} >= {"#email", "#display_name", "#password"}
    for link in links:
        target = page.by_id(link.attrs["href"][1:])  # exactly one element has that id: the control
        assert target.tag in ("input", "select", "textarea") and target.attrs.get("aria-invalid") == "true"
        assert link.text in page.by_id(target.attrs["id"] + "-error").text


def test_the_error_summary_links_into_a_group_of_fields(client, auth):
    """The community form holds one group of fields per language: a link goes to the field in its group."""
    auth.as_new_user(display_name="Secretariat", is_admin=True)
    data = {"slug": "quiet-circle", "kind": "regional", "region": "africa", "premoderate_posts": "0",
            "texts_en-name": "", "texts_en-description": "", "texts_en-agreements": ""}
    page = page_of(client.post("/manage/communities/new", data=data))
    [summary] = summaries(page)
    assert summary_links(summary) == ["#texts_en-name"]
    assert "Give the community a name in English." in summary.text
    assert page.by_id("texts_en-name").attrs.get("aria-invalid") == "true"


def test_the_error_summary_of_a_reply_links_to_the_reply_box(world):
    page = page_of(world.reply("bea", "   "))
    [summary] = summaries(page)
    [href] = summary_links(summary)
    assert page.by_id(href[1:]).tag == "textarea" and href == "#body"


def test_the_script_moves_the_focus_to_the_error_summary(client):
    script = client.get("/static/colab.js").get_data(as_text=True)
    assert 'document.querySelector(".error-summary")' in script and "summary.focus()" in script


def test_the_account_pages_summary_links_to_the_email_forms_own_password_field(client, auth):
    """/account holds three forms, two with a password: the email form's summary leads to its own field."""
    auth.as_new_user()
    page = page_of(client.post("/account/email", data={"email": "new@example.org", "password": ""}))
    [summary] = summaries(page)
    assert summary_links(summary) == ["#email-password"]
    assert page.by_id("email-password").attrs.get("aria-invalid") == "true"
    assert summary.find_all("h3")  # under the section's h2
