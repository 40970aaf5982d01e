"""Every writer, fed every attack string, and every page that shows what was written: nothing runs."""
import re

import pytest
from html_safety import ATTACKS, dangerous_markup

from colab.communities.models import Post
from colab.extensions import db

POSTGRESQL = False  # the sanitiser and templates against hostile text: HTML in, HTML out (see conftest.py)


def _text(response):
    return response.get_data(as_text=True)


def _latest_post_id(app):
    with app.app_context():
        return db.session.scalar(db.select(Post.id).order_by(Post.id.desc()))


@pytest.mark.parametrize("attack", ATTACKS)
def test_stored_attacks_come_out_harmless_on_every_page(app, client, content, make_user, community_kit, auth,
                                                       attack):
    writer_id, writer_email = make_user(display_name="Writer", is_admin=True)
    reader_id, reader_email = make_user(display_name="Reader")
    slug = community_kit.community("circle", region="africa")
    community_kit.member(writer_id, slug, role="facilitator")
    community_kit.member(reader_id, slug)
    base = f"/communities/{slug}"

    auth.sign_in(writer_email)
    # a dialogue: title, framing, content note, first message
    response = client.post(f"{base}/threads/new?dialogue=1", data={
        "title": f"Talk {attack}"[:200], "framing": attack, "content_note": attack[:300], "body": attack})
    assert response.status_code == 302, _text(response)
    thread = int(re.search(r"/threads/(\d+)/", response.location).group(1))
    first = _latest_post_id(app)
    # reply, edit, quote, reflection, cohort
    client.post(f"{base}/threads/{thread}/reply", data={"body": f"Reply {attack}"})
    client.post(f"{base}/threads/{thread}/posts/{first}/edit", data={"body": f"Edited {attack}"})
    quote_form = _text(client.get(f"{base}/threads/{thread}/?quote={first}"))
    assert not dangerous_markup(quote_form)
    client.post("/courses/listening-basics/enrol")
    client.post("/courses/listening-basics/why-listen/activities/last-time-heard",
                data={"a-last-time-heard-text": attack})
    client.post(f"{base}/cohorts/new", data={"name": f"Cohort {attack}"[:120], "course": "1",
                                             "starts_on": "2030-01-01", "ends_on": "2030-02-01",
                                             "languages": "en", "timezone": "UTC", "pacing": "scheduled"})

    auth.sign_out()
    auth.sign_in(reader_email)
    client.post(f"{base}/threads/{thread}/reply", data={"body": f"Reader {attack}"})
    reader_post = _latest_post_id(app)
    client.post(f"{base}/threads/{thread}/posts/{first}/report", data={"reason": "other", "note": attack})

    auth.sign_out()
    auth.sign_in(writer_email)
    client.post(f"{base}/threads/{thread}/posts/{reader_post}/warn", data={"reason": attack})
    client.post(f"{base}/threads/{thread}/posts/{reader_post}/hide", data={"reason": attack})
    member_id = re.search(rf"{base}/members/(\d+)/mute", _text(client.get(f"{base}/members"))).group(1)
    client.post(f"{base}/members/{member_id}/mute", data={"hours": "1", "reason": attack})

    writer_pages = ["/", f"{base}/", f"{base}/threads/{thread}/", f"{base}/moderation", f"{base}/audit",
                    f"{base}/members", f"{base}/threads/{thread}/posts/{first}/history", "/notifications/",
                    "/courses/listening-basics/why-listen/", "/communities/"]
    for page in writer_pages:
        response = client.get(page)
        assert response.status_code == 200, page
        assert dangerous_markup(_text(response)) == [], page
    auth.sign_out()
    auth.sign_in(reader_email)
    for page in ["/", f"{base}/", f"{base}/threads/{thread}/", "/notifications/"]:
        response = client.get(page)
        assert response.status_code == 200, page
        assert dangerous_markup(_text(response)) == [], page


def test_the_checker_finds_what_it_looks_for():
    """A checker that cannot fail proves nothing: every attack, rendered without the sanitiser, is caught."""
    import markdown
    harmless_without_sanitiser = {"{{ 7*7 }} {% raw %}XSS{% endraw %}", "`<b>XSS</b>` & **bold**"}
    for attack in ATTACKS:
        if attack not in harmless_without_sanitiser:
            assert dangerous_markup(attack) or dangerous_markup(markdown.markdown(attack)), attack
    assert not dangerous_markup('<script src="/static/colab.js?v=1" defer></script><div class="flashes">'
                                '<p class="flash flash-success">Hi</p></div>')
