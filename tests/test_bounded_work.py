"""What a page costs stays bounded as the alliance grows: the list of communities is paginated and still shows a
person's own communities first, a search for a word found everywhere ranks a bounded set and says there are more,
and reading a lesson again does not write to the database each time (while the bookmark still follows the
learner)."""
import re
from datetime import timedelta

from sql_log import recorded_statements

from colab.courses import service as courses
from colab.courses.models import Enrolment, LessonProgress
from colab.extensions import db
from colab.search import service as search

COURSE = "/courses/listening-basics/"


def text(response):
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# --- the list of communities ----------------------------------------------------------------------------------

def test_the_communities_list_is_paginated_with_the_readers_own_first(app, client, auth, community_kit):
    app.config["PER_PAGE"] = 5
    for number in range(12):
        community_kit.community(f"circle-{number:02d}")
    community_kit.community("africa-network", kind="regional", region="africa")
    user_id, _ = auth.as_new_user()
    community_kit.member(user_id, "circle-11")

    first = text(client.get("/communities/"))
    mine = first[first.index("Your communities"):first.index("All communities")]
    assert "circle-11 community" in mine and "circle-00 community" not in mine
    listed = first[first.index("All communities"):]
    assert listed.index("Regional communities") < listed.index("africa-network community")
    assert listed.index("africa-network community") < listed.index("Working groups and learning circles")
    assert "circle-03 community" in listed and "circle-04 community" not in listed  # 1 regional + 4 on page 1
    assert "Page 1 of 3" in listed

    third = text(client.get("/communities/?page=3"))
    assert "circle-11 community" in third.split("All communities")[1]
    assert "Regional communities" not in third.split("All communities")[1]
    assert "No communities yet." in text(client.get("/communities/?page=99"))


def test_archived_communities_come_last_under_their_own_heading(app, client, auth, community_kit):
    from colab.communities import service as communities
    from colab.models_base import utcnow
    community_kit.community("aaa-closed")
    community_kit.community("zzz-open")
    with app.app_context():
        communities.find_community("aaa-closed").archived_at = utcnow()
        db.session.commit()
    auth.as_new_user()
    page = text(client.get("/communities/"))
    assert page.index("zzz-open community") < page.index("Archived communities") < page.index("aaa-closed community")


# --- search ---------------------------------------------------------------------------------------------------

def test_a_word_found_everywhere_ranks_a_bounded_set_and_says_there_are_more(app, client, auth, community_kit,
                                                                               monkeypatch):
    user_id, _ = auth.as_new_user()
    community_kit.community("open-circle")
    community_kit.member(user_id, "open-circle")
    for number in range(7):
        community_kit.thread(user_id, "open-circle", f"Marigold talk {number}", f"Marigold seeds, note {number}")
    assert "14 results" in text(client.get("/search", query_string={"q": "marigold"}))  # 7 threads, 7 posts

    monkeypatch.setattr(search, "CANDIDATES", 5)
    page = text(client.get("/search", query_string={"q": "marigold"}))
    assert "More than 5 results. Add a word to find fewer, closer ones." in page
    assert len(re.findall(r'<li lang="[a-z]*">|<li>', page.split('class="search-results"')[1])) == 5
    narrowed = text(client.get("/search", query_string={"q": "marigold note 3"}))
    assert "More than" not in narrowed and "1 result" in narrowed


# --- reading a lesson -----------------------------------------------------------------------------------------

def _writes(statements):
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]


def test_reading_a_lesson_again_soon_writes_nothing_and_the_bookmark_still_moves(app, client, auth, content):
    user_id, _ = auth.as_new_user()
    client.get(COURSE + "why-listen/")
    with recorded_statements(app) as statements:
        text(client.get(COURSE + "why-listen/"))
        assert not [s for s in _writes(statements) if "enrolment" in s or "lesson_progress" in s]
        text(client.get(COURSE + "listening-to-disagree/"))
        assert [s for s in _writes(statements) if "enrolment" in s]
    text(client.get(COURSE + "why-listen/"))  # back to the first lesson: the bookmark follows at once
    with app.app_context():
        enrolment = db.session.scalar(db.select(Enrolment).filter_by(user_id=user_id))
        assert enrolment.last_lesson.slug == "why-listen"


def test_a_lesson_read_after_a_while_records_when_it_was_last_seen(app, client, auth, content):
    user_id, _ = auth.as_new_user()
    client.get(COURSE + "why-listen/")
    earlier = courses.utcnow() - courses.VISIT_EVERY - timedelta(seconds=1)
    with app.app_context():
        progress = db.session.scalar(db.select(LessonProgress).filter_by(user_id=user_id))
        progress.last_seen_at = earlier
        db.session.scalar(db.select(Enrolment).filter_by(user_id=user_id)).last_seen_at = earlier
        db.session.commit()
    client.get(COURSE + "why-listen/")
    with app.app_context():
        progress = db.session.scalar(db.select(LessonProgress).filter_by(user_id=user_id))
        enrolment = db.session.scalar(db.select(Enrolment).filter_by(user_id=user_id))
        assert progress.last_seen_at > earlier and enrolment.last_seen_at > earlier
