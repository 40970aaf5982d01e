"""Search: lessons in the reader's language (accents ignored), permissions applied in the query (members-only
communities, hidden, held and deleted posts, held threads, hidden profiles, unpublished resources, events one may
not see), the index kept up to date on every write and rebuilt by `flask search rebuild`, highlighting that never
lets HTML through, search syntax that never breaks the page, and every route of the "search" blueprint x every
role."""
import re
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from html_safety import ATTACKS, dangerous_markup
from sqlalchemy import delete, event

from colab import personal_data
from colab.accounts.models import User
from colab.communities import service as communities
from colab.communities.models import Post, Thread
from colab.directory.models import DirectoryProfile, Organisation
from colab.events.models import Event, EventScope, EventStatus
from colab.extensions import db
from colab.markup import SafeHTML, highlight, render
from colab.models_base import utcnow
from colab.moderation import service as moderation
from colab.resources.models import Resource, ResourceKind, ResourceStatus
from colab.search.commands import search_cli
from colab.search.models import Kind, SearchEntry
from colab.search.text import excerpt, fold, fts5_query, plain_text, query_terms

BLUEPRINTS = {"search"}


@pytest.fixture
def world(app, content, make_user, community_kit):
    """Lola reads in Spanish and Omar in English, and belong to no circle; Mia is a member of the members-only
    "hidden-circle"; Sec is an admin. "open-circle" is open to all. Each circle has a thread with a post."""
    people = {"Lola": make_user(display_name="Lola", locale="es"), "Omar": make_user(display_name="Omar"),
              "Mia": make_user(display_name="Mia"), "Sec": make_user(display_name="Sec", is_admin=True)}
    community_kit.community("open-circle")
    community_kit.community("hidden-circle", members_only=True)
    community_kit.member(people["Mia"][0], "hidden-circle")
    community_kit.member(people["Mia"][0], "open-circle")
    threads = {"open": community_kit.thread(people["Mia"][0], "open-circle", "Gardens of care",
                                            "Marigold seeds for the open circle"),
               "hidden": community_kit.thread(people["Mia"][0], "hidden-circle", "Quiet harbour talk",
                                              "Zanzibarish secrets of the closed circle")}
    return {"people": people, "threads": threads}


def sign_in(auth, world, name):
    assert auth.sign_in(world["people"][name][1]).status_code == 302


def user(name, world):
    return db.session.get(User, world["people"][name][0])


def page(client, query, **args):
    response = client.get("/search", query_string={"q": query, **args})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def result_count(html):
    found = re.search(r'<p role="status">(\d+)\D', html)
    return int(found.group(1)) if found else None


def titles(html):
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r"<h2>(?:<a [^>]*>)?(.*?)(?:</a>)?</h2>", html)]


# --- lessons, in the reader's language -----------------------------------------------------------------------

def test_a_spanish_reader_finds_the_spanish_lesson_with_and_without_accents(client, auth, world):
    sign_in(auth, world, "Lola")
    for query in ("político", "politico", "POLITICO", "polít"):
        html = page(client, query)
        assert titles(html) == ["¿Por qué escuchar?"], query
        assert 'href="/courses/listening-basics/why-listen/"' in html
        assert "<mark>político</mark>" in html
        assert 'lang="es"' in html


def test_a_lesson_in_both_languages_shows_once_in_the_readers_language_then_others(client, auth, world):
    sign_in(auth, world, "Lola")
    html = page(client, "Nairobi")  # in the English and the Spanish text of one lesson
    assert titles(html) == ["¿Por qué escuchar?"]
    assert result_count(html) == 1
    auth.sign_out()
    sign_in(auth, world, "Mia")
    assert titles(page(client, "Nairobi")) == ["Why listen?"]


def test_the_readers_language_comes_before_better_matches_in_others(app, client, auth, world):
    with app.app_context():
        lola = user("Lola", world)
        thread = db.session.get(Thread, world["threads"]["open"])
        communities.add_post(user("Mia", world), thread, "Notes on disagree")
        db.session.commit()
    sign_in(auth, world, "Lola")
    html = page(client, "disagree")
    # Only English lessons say "disagree": the post (its language unknown) is listed before them.
    assert titles(html) == ["Gardens of care", "Listening when we disagree"]
    with app.app_context():
        from colab.search import service
        results = service.search(lola, "escuchar", "es")
        assert [hit.locale for hit in results.items] == ["es", "es"]


def test_an_archived_lesson_is_not_found(app, client, auth, world):
    from colab.courses.models import Lesson
    with app.app_context():
        lesson = db.session.scalar(db.select(Lesson).filter_by(slug="why-listen"))
        lesson.archived = True
        db.session.commit()
    sign_in(auth, world, "Lola")
    assert result_count(page(client, "Nairobi")) == 0


# --- conversations: members-only, hidden, held, deleted, edited ---------------------------------------------

def test_a_members_only_circles_posts_are_never_found_or_counted_by_outsiders(client, auth, world):
    sign_in(auth, world, "Omar")
    for query in ("Zanzibarish", "closed circle secrets", "Quiet harbour"):
        html = page(client, query)
        assert result_count(html) == 0, query
        assert "<mark>" not in html and "<h2>" not in html
        assert "Quiet harbour talk" not in html and "hidden-circle" not in html
        assert "Posts (" not in html and "Threads (" not in html
    html = page(client, "circle")  # the open circle's post matches; the closed one's must not be counted
    assert result_count(html) == 1 and "Posts (1)" in html
    assert result_count(page(client, "circle", kind="post")) == 1
    auth.sign_out()
    sign_in(auth, world, "Mia")
    html = page(client, "Zanzibarish")
    assert result_count(html) == 1
    assert "Quiet harbour talk" in html and "comunidad hidden-circle" not in html and "hidden-circle community" in html
    assert f'href="/communities/hidden-circle/threads/{world["threads"]["hidden"]}/?post=' in html
    assert "<mark>Zanzibarish</mark>" in html
    assert result_count(page(client, "circle")) == 2


def test_an_admin_finds_the_members_only_post(client, auth, world):
    sign_in(auth, world, "Sec")
    assert result_count(page(client, "Zanzibarish")) == 1


def test_hidden_held_and_deleted_posts_and_held_threads_are_never_found(app, client, auth, world, community_kit,
                                                                       make_user):
    newcomer = make_user(display_name="Newcomer")
    community_kit.community("careful-circle", premoderate=5)
    community_kit.member(newcomer[0], "careful-circle")
    held_thread = community_kit.thread(newcomer[0], "careful-circle", "Waiting quokka thread", "Quokka opening words")
    with app.app_context():
        mia, sec = user("Mia", world), user("Sec", world)
        thread = db.session.get(Thread, world["threads"]["open"])
        hidden = communities.add_post(mia, thread, "Hiddenword appears here")
        deleted = communities.add_post(mia, thread, "Deletedword appears here")
        db.session.commit()
        moderation.hide(sec, hidden, "off topic")
        communities.delete_post(deleted)
        held_post = communities.add_post(db.session.get(User, newcomer[0]), db.session.get(Thread, held_thread),
                                         "Heldword reply")
        db.session.commit()
        assert db.session.get(Thread, held_thread).held and held_post.status == "held"
    for name in ("Mia", "Sec"):
        sign_in(auth, world, name)
        for query in ("Hiddenword", "Deletedword", "Heldword", "quokka", "Waiting"):
            assert result_count(page(client, query)) == 0, (name, query)
        auth.sign_out()
    auth.sign_in(newcomer[1])  # not even their author finds them through search
    assert result_count(page(client, "quokka")) == 0


def test_a_post_hidden_then_restored_is_found_again(app, client, auth, world):
    with app.app_context():
        post = db.session.scalar(db.select(Post).filter_by(thread_id=world["threads"]["open"]))
        moderation.hide(user("Sec", world), post, "check")
        db.session.commit()
    sign_in(auth, world, "Lola")
    assert result_count(page(client, "Marigold")) == 0
    with app.app_context():
        moderation.restore(user("Sec", world), db.session.get(Post, post.id))
        db.session.commit()
    assert result_count(page(client, "Marigold")) == 1


def test_an_edited_post_is_found_by_its_new_words_and_not_its_old(app, client, auth, world):
    with app.app_context():
        post = db.session.scalar(db.select(Post).filter_by(thread_id=world["threads"]["open"]))
        communities.edit_post(user("Mia", world), post, "Sunflower seeds instead")
        db.session.commit()
    sign_in(auth, world, "Lola")
    assert result_count(page(client, "Marigold")) == 0
    html = page(client, "sunflower")
    assert result_count(html) == 1 and "<mark>Sunflower</mark> seeds instead" in html


def test_an_edited_thread_title_is_found_by_its_new_words(app, client, auth, world):
    with app.app_context():
        db.session.get(Thread, world["threads"]["open"]).title = "Orchards of care"
        db.session.commit()
    sign_in(auth, world, "Lola")
    assert result_count(page(client, "Gardens")) == 0
    assert "<mark>Orchards</mark> of care" in page(client, "orchards")


def test_erasing_an_account_takes_its_words_out_of_the_index(app, client, auth, world):
    """personal_data.erase empties posts and retitles threads with bulk UPDATEs: the index follows them."""
    with app.app_context():
        mia = user("Mia", world)
        db.session.add(DirectoryProfile(user_id=mia.id, display_name="Mia Quillfeather", published=True,
                                        bio_source="", bio_html=render("")))
        db.session.commit()
        personal_data.erase(mia, remove_posts=True)
        db.session.commit()
        stored = " ".join(f"{title} {body}" for title, body in db.session.execute(
            db.select(SearchEntry.title, SearchEntry.body)))
        assert "Marigold" not in stored and "Gardens" not in stored and "Quillfeather" not in stored
        assert "Zanzibarish" not in stored
    sign_in(auth, world, "Sec")
    assert result_count(page(client, "Gardens")) == 0


def test_deleting_a_thread_or_community_takes_its_entries_with_it(app, world):
    with app.app_context():
        thread = db.session.get(Thread, world["threads"]["open"])
        db.session.delete(thread.community)
        db.session.commit()
        kinds = set(db.session.scalars(db.select(SearchEntry.kind).where(SearchEntry.kind.in_([Kind.POST,
                                                                                              Kind.THREAD]))))
        bodies = " ".join(db.session.scalars(db.select(SearchEntry.body)))
        assert kinds == {Kind.POST, Kind.THREAD}  # the other circle's
        assert "Marigold" not in bodies and "Zanzibarish" in bodies


def test_bulk_statements_through_the_session_keep_the_index_in_step(app, client, auth, world):
    with app.app_context():
        db.session.execute(db.update(Post).where(Post.thread_id == world["threads"]["open"])
                           .values(body_source="Puffin", body_html=render("Puffin")))
        db.session.execute(db.delete(Thread).where(Thread.id == world["threads"]["hidden"]))
        db.session.commit()
        bodies = " ".join(db.session.scalars(db.select(SearchEntry.body)))
        assert "Zanzibarish" not in bodies and "Marigold" not in bodies and "Puffin" in bodies
    sign_in(auth, world, "Sec")
    assert result_count(page(client, "puffin")) == 1
    assert result_count(page(client, "Quiet harbour")) == 0


# --- the commons: directory, resources, events, organisations -----------------------------------------------

def test_a_hidden_directory_profile_disappears_from_results_at_once(app, client, auth, world):
    with app.app_context():
        profile = DirectoryProfile(user_id=world["people"]["Mia"][0], display_name="Mia Quillfeather",
                                   organisation="Peace Works", published=True, bio_source="Youth work",
                                   bio_html=render("Youth work in *Lusaka*"))
        db.session.add(profile)
        db.session.commit()
        profile_id = profile.id
    sign_in(auth, world, "Lola")
    html = page(client, "Lusaka")
    assert result_count(html) == 1 and "Mia Quillfeather" in html and "<mark>Lusaka</mark>" in html
    with app.app_context():
        db.session.get(DirectoryProfile, profile_id).published = False
        db.session.commit()
    assert result_count(page(client, "Lusaka")) == 0
    assert result_count(page(client, "Quillfeather")) == 0


def resource(status, title="Caring masculinities toolkit", slug=None):
    return Resource(slug=slug or f"r-{uuid.uuid4().hex[:8]}", kind=ResourceKind.TOOLKIT, status=status,
                    title={"en": title, "es": "Guía de masculinidades cuidadoras"},
                    summary_source={"en": "For *workshops*"}, summary_html={"en": render("For *workshops*")},
                    url="https://example.org/toolkit")


def test_an_unpublished_resource_is_not_found_and_a_published_one_is(app, client, auth, world):
    with app.app_context():
        suggested = resource(ResourceStatus.SUGGESTED)
        db.session.add_all([suggested, resource(ResourceStatus.RETIRED), resource(ResourceStatus.DECLINED)])
        db.session.commit()
        suggested_id = suggested.id
    sign_in(auth, world, "Sec")
    assert result_count(page(client, "masculinities")) == 0
    with app.app_context():
        db.session.get(Resource, suggested_id).status = ResourceStatus.PUBLISHED
        db.session.commit()
    auth.sign_out()
    sign_in(auth, world, "Lola")
    html = page(client, "masculinidades cuidadoras")
    assert result_count(html) == 1 and "Guía de <mark>masculinidades</mark> <mark>cuidadoras</mark>" in html
    # PostgreSQL's Spanish stemming finds her language's title for the English word too; SQLite the English one.
    assert titles(page(client, "masculinities")) in (["Guía de masculinidades cuidadoras"],
                                                     ["Caring masculinities toolkit"])


def make_event(world, title, community=None, cancelled=False):
    starts = utcnow() + timedelta(days=3)
    row = Event(uid=uuid.uuid4().hex, title=title, description_source="", description_html=render("A *talk*"),
                starts_at=starts, ends_at=starts + timedelta(hours=1), languages=["en"],
                scope=EventScope.COMMUNITY if community else EventScope.GLOBAL,
                community_id=community.id if community else None,
                status=EventStatus.CANCELLED if cancelled else EventStatus.SCHEDULED)
    db.session.add(row)
    return row


def test_events_the_reader_may_not_see_are_not_found_and_cancelled_ones_are_marked(app, client, auth, world):
    with app.app_context():
        hidden = db.session.get(Thread, world["threads"]["hidden"]).community
        make_event(world, "Walrus assembly", community=hidden)
        make_event(world, "Walrus festival", cancelled=True)
        db.session.commit()
    sign_in(auth, world, "Omar")
    html = page(client, "walrus")
    assert titles(html) == ["Walrus festival"] and "Cancelled" in html
    auth.sign_out()
    sign_in(auth, world, "Mia")
    assert sorted(titles(page(client, "walrus"))) == ["Walrus assembly", "Walrus festival"]


def test_unpublished_organisations_are_not_found(app, client, auth, world):
    with app.app_context():
        db.session.add_all([Organisation(name="Kestrel Alliance", country="KE", description={"en": "Men for care"}),
                            Organisation(name="Kestrel Retired", country="KE", published=False)])
        db.session.commit()
    sign_in(auth, world, "Lola")
    assert titles(page(client, "kestrel")) == ["Kestrel Alliance"]


def test_every_kind_of_result_links_to_its_page(app, client, auth, world):
    with app.app_context():
        published = resource(ResourceStatus.PUBLISHED, title="Ibis toolkit", slug="ibis-toolkit")
        walk = make_event(world, "Ibis walk")
        profile = DirectoryProfile(user_id=world["people"]["Mia"][0], display_name="Ibis Mia", published=True,
                                   bio_source="", bio_html=render(""))
        organisation = Organisation(name="Ibis Network", country="KE")
        db.session.add_all([published, profile, organisation])
        db.session.commit()
        ids = {"event": walk.id, "profile": profile.id, "organisation": organisation.id}
    community_kit_thread = world["threads"]["open"]
    sign_in(auth, world, "Sec")
    html = page(client, "ibis")
    assert result_count(html) == 4
    assert html.count("<h2><a href=") == 4
    for href in ("/resources/ibis-toolkit", f"/calendar/events/{ids['event']}", f"/directory/people/{ids['profile']}",
                 f"/directory/organisations/?country=KE#organisation-{ids['organisation']}"):
        assert f'href="{href}"' in html, href
    html = page(client, "gardens")
    assert f'href="/communities/open-circle/threads/{community_kit_thread}/"' in html


# --- safety of what is shown, and of what is typed -------------------------------------------------------------

def test_highlight_escapes_the_text_before_marking_words():
    marked = highlight('<script>alert("x")</script> Educación & more', ["educacion", "script"])
    assert isinstance(marked, SafeHTML)
    assert str(marked) == ('&lt;<mark>script</mark>&gt;alert(&#34;x&#34;)&lt;/<mark>script</mark>&gt; '
                           '<mark>Educación</mark> &amp; more')
    assert str(highlight("<b>bold</b>", [])) == "&lt;b&gt;bold&lt;/b&gt;"
    assert str(highlight("listen, listening, lis", ["listening"])) == "<mark>listen</mark>, <mark>listening</mark>, lis"
    assert str(highlight("", ["x"])) == ""


def test_html_in_a_post_or_a_thread_title_shows_as_text(app, client, auth, world, community_kit):
    thread_id = community_kit.thread(world["people"]["Mia"][0], "open-circle", "<script>alert(1)</script> Pelican",
                                     "Pelican `<script>alert(2)</script>` and <img src=x onerror=alert(3)>")
    sign_in(auth, world, "Lola")
    html = page(client, "pelican")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Pelican</mark>" in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert f"/threads/{thread_id}/" in html


@pytest.mark.parametrize("attack", ATTACKS)
def test_stored_attacks_and_attacks_in_the_query_come_out_harmless(app, client, auth, world, community_kit, attack):
    community_kit.thread(world["people"]["Mia"][0], "open-circle", f"Talk {attack}"[:200], f"Reply {attack}")
    with app.app_context():
        db.session.add(Organisation(name=f"Org {attack}"[:160], country="KE", description={"en": attack}))
        db.session.commit()
    sign_in(auth, world, "Omar")
    for query in ("XSS", attack, f"Talk {attack}"):
        response = client.get("/search", query_string={"q": query})
        assert response.status_code == 200
        assert dangerous_markup(response.get_data(as_text=True)) == [], query
    assert result_count(page(client, "XSS")) >= 2


@pytest.mark.parametrize("query", ['"', "'", '"unbalanced', "a AND", "AND", "OR NOT", "NEAR(listen group)",
                                   "NEAR/2", "*", "listen*", "(", ")", "((listen", "title:listen", "-listen",
                                   "^listen", "listen & | !", "' OR 1=1 --", "\\", "%", "_", "<->", "listen:*",
                                   "{title body}: x", "\x00", "🙂", "ß", "İ"])
def test_search_syntax_in_the_query_never_breaks_the_page(client, auth, world, query):
    sign_in(auth, world, "Mia")
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200


def test_words_that_are_search_operators_are_searched_as_words(app, client, auth, world, community_kit):
    community_kit.thread(world["people"]["Mia"][0], "open-circle", "Near and far", "Or not, that is the question")
    sign_in(auth, world, "Lola")
    assert "<mark>Near</mark> <mark>and</mark> far" in page(client, "near and")
    assert result_count(page(client, "NEAR AND")) == 1


def test_a_long_query_is_cut_with_a_message(client, auth, world):
    sign_in(auth, world, "Omar")
    html = page(client, "Nairobi " + "x" * 300)
    assert "only its first 200 characters were used" in html
    html = page(client, "Nairobi " * 10)
    assert result_count(html) == 1 and "first 200 characters" not in html


def test_an_empty_search_shows_the_box_only(client, auth, world):
    sign_in(auth, world, "Omar")
    html = page(client, "")
    assert '<label for="search-q">' in html and 'name="q"' in html
    assert result_count(html) is None
    html = page(client, "!!! ???")
    assert result_count(html) is None and "letters and numbers" in html


def test_results_are_paginated_with_the_query_kept(app, client, auth, world):
    with app.app_context():
        mia = user("Mia", world)
        thread = db.session.get(Thread, world["threads"]["open"])
        for number in range(23):
            communities.add_post(mia, thread, f"Otter number {number}")
        db.session.commit()
    sign_in(auth, world, "Omar")
    first = page(client, "otter")
    assert result_count(first) == 23 and first.count("<mark>Otter</mark> number") == 20
    assert 'href="/search?page=2&amp;q=otter"' in first or 'href="/search?q=otter&amp;page=2"' in first
    second = page(client, "otter", page=2)
    assert second.count("<mark>Otter</mark> number") == 3
    assert "no results on this page" in page(client, "otter", page=9)
    only_posts = page(client, "otter", kind="post")
    assert result_count(only_posts) == 23 and 'aria-current="page">Posts (23)' in only_posts


def test_a_search_page_costs_the_same_number_of_queries_for_few_or_many_hits(app, client, auth, world):
    sign_in(auth, world, "Lola")
    statements = []

    def count(*args):
        statements.append(args[2])

    page(client, "Marigold")  # the first page of a session may write the session's last-seen time
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page(client, "Marigold")
        few = len(statements)
        with app.app_context():
            mia = user("Mia", world)
            for number in range(15):
                communities.add_post(mia, db.session.get(Thread, world["threads"]["open"]), f"Marigold {number}")
            db.session.commit()
        statements.clear()
        assert result_count(page(client, "Marigold")) == 16
        assert len(statements) == few, statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- the index: written on write, rebuilt on demand ------------------------------------------------------------

def test_rebuild_restores_an_emptied_index(app, client, auth, world, runner):
    with app.app_context():
        before = db.session.scalar(db.select(db.func.count()).select_from(SearchEntry))
        db.session.execute(delete(SearchEntry))
        db.session.commit()
    sign_in(auth, world, "Mia")
    assert result_count(page(client, "Marigold")) == 0
    result = runner.invoke(search_cli, ["rebuild"])
    assert result.exit_code == 0, result.output
    assert "Search index rebuilt" in result.output and "2 post" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(SearchEntry)) == before
    assert result_count(page(client, "Marigold")) == 1
    assert result_count(page(client, "politico")) == 1


def test_the_index_holds_plain_text_and_each_thing_once_per_language(app, world):
    with app.app_context():
        rows = db.session.execute(db.select(SearchEntry.kind, SearchEntry.locale, SearchEntry.title,
                                            SearchEntry.body)).all()
        lessons = [(row.locale, row.title) for row in rows if row.kind == Kind.LESSON]
        assert ("es", "¿Por qué escuchar?") in lessons and ("en", "Why listen?") in lessons
        assert len(lessons) == len(set(lessons))
        assert not any("<" in row.body for row in rows)


def test_text_helpers():
    assert fold("Educación ÉLAN Straße") == "educacion elan strasse"
    assert plain_text("<p>One</p><p>two &amp; <em>three</em></p>") == "One two & three"
    assert query_terms('"NEAR(a b)" AND c* Ñandú') == ["near", "a", "b", "and", "c", "nandu"]
    assert fts5_query(["a", "b"]) == '"a" "b"*'
    assert len(query_terms(" ".join(f"w{n}" for n in range(50)))) == 10
    text = "word " * 100 + "needle " + "word " * 100
    cut = excerpt(text, ["needle"])
    assert "needle" in cut and cut.startswith("… ") and cut.endswith(" …") and len(cut) < 260


def test_bulk_writes_stay_cheap(app, world):
    """A flush of many posts writes their entries in a few statements, not one per post."""
    statements = []
    with app.app_context():
        mia = user("Mia", world)
        thread = db.session.get(Thread, world["threads"]["open"])
        db.session.add_all([Post(thread=thread, author_id=mia.id, body_source="Heron", body_html=render("Heron"))
                            for _ in range(200)])
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            db.session.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        search_statements = [s for s in statements if "search_entry" in s]
        assert len(search_statements) <= 3
        assert db.session.scalar(db.select(db.func.count()).select_from(SearchEntry)
                                 .where(SearchEntry.body == "Heron")) == 200


# --- rate limit ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("app_config", [{"SEARCH_RATE_LIMIT": "2 per minute"}])
def test_searches_are_rate_limited_per_person_but_the_empty_box_is_not(client, auth, world):
    sign_in(auth, world, "Lola")
    for _ in range(4):
        assert client.get("/search").status_code == 200
    assert client.get("/search?q=a").status_code == 200
    assert client.get("/search?q=b").status_code == 200
    limited = client.get("/search?q=c")
    assert limited.status_code == 429 and "Demasiadas búsquedas" in limited.get_data(as_text=True)


# --- the header box --------------------------------------------------------------------------------------------

def test_the_header_box_is_a_labelled_get_form(app):
    with app.test_request_context():
        from flask import render_template
        html = render_template("search/_box.html")
    assert '<form method="get" action="/search"' in html
    assert '<label for="site-search"' in html and 'id="site-search" name="q"' in html
    assert "<script" not in html and "style=" not in html


def test_no_template_of_search_marks_text_safe():
    folder = Path(__file__).parent.parent / "colab" / "templates" / "search"
    for path in folder.glob("*.html"):
        assert "|safe" not in path.read_text().replace(" ", ""), path


# --- every route x every role ----------------------------------------------------------------------------------

# "outsider" belongs to no circle; "member" is in the members-only circle; 302 for "anonymous": sent to sign in.
ROLES = ("anonymous", "outsider", "member", "admin")
ROUTES = [
    ("empty box", "GET", "/search", "302 200 200 200"),
    ("search", "GET", "/search?q=Zanzibarish", "302 200 200 200"),
    ("one kind", "GET", "/search?q=circle&kind=post", "302 200 200 200"),
    ("unknown kind", "GET", "/search?q=circle&kind=secrets", "302 404 404 404"),
    ("page", "GET", "/search?q=circle&page=2", "302 200 200 200"),
    ("page that is not a number", "GET", "/search?q=circle&page=two", "302 404 404 404"),
    ("huge page", "GET", "/search?q=circle&page=99999999999", "302 404 404 404"),
    ("largest page", "GET", "/search?q=circle&page=2147483647", "302 200 200 200"),
]
ACTORS = {"outsider": "Lola", "member": "Mia", "admin": "Sec"}
FINDS_THE_CLOSED_POST = {"anonymous": False, "outsider": False, "member": True, "admin": True}


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_every_role_as_the_table_says(client, auth, world, role):
    """No page shows an email; the closed circle's post shows only to those who may read it."""
    if role != "anonymous":
        sign_in(auth, world, ACTORS[role])
    emails = [email for _id, email in world["people"].values()]
    actual, expected, leaks, shown = {}, {}, [], False
    for name, _method, url, codes in ROUTES:
        response = client.get(url)
        actual[name] = response.status_code
        expected[name] = dict(zip(ROLES, map(int, codes.split()), strict=True))[role]
        body = response.get_data(as_text=True)
        leaks += [f"{name}: {email}" for email in emails if email in body]
        shown = shown or "<mark>Zanzibarish</mark>" in body
    assert actual == expected
    assert leaks == []
    assert shown == FINDS_THE_CLOSED_POST[role]


def test_the_table_covers_every_route_of_the_blueprint(app):
    """A new route in the blueprint fails here until it has a row (with its expectations) in ROUTES."""
    adapter = app.url_map.bind("colab.test")
    covered = {(adapter.match(url.split("?")[0], method=method)[0], method) for _name, method, url, _ in ROUTES}
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              if rule.endpoint.split(".")[0] in BLUEPRINTS for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes - covered == set(), "routes without a row in ROUTES"
    assert covered <= routes
    assert len({row[0] for row in ROUTES}) == len(ROUTES), "row names must be unique"
