"""A lesson read side by side with a second language: chosen per person, or suggested by the cohort."""
import re

import factories
import pytest

from colab.accounts.models import User
from colab.courses.models import Response
from colab.extensions import db
from colab.markup import SafeHTML, render, sections

POSTGRESQL = False  # two languages on one page (see conftest.py)

COURSE = "/courses/listening-basics/"
LESSON = f"{COURSE}why-listen/"
GROUPS = f"{COURSE}listening-in-groups/"  # written in English only (a documented fallback)
CHOOSE = f"{LESSON}second-language"
PAIR = re.compile(r'<div class="pair[^"]*"><div lang="(\w+)">(.*?)</div><div class="second" lang="(\w+)">(.*?)</div>'
                  r"</div>", re.S)


def pairs(html):
    """[(first column's lang, its text, second column's lang, its text)] in page order."""
    return PAIR.findall(html)


def headings(fragment):
    return re.findall(r"<h2>(.*?)</h2>", fragment)


@pytest.fixture
def reader(client, content, auth):
    """A Spanish-speaking learner enrolled in the sample course; returns their id."""
    user_id, _ = auth.as_new_user(locale="es")
    client.post(f"{COURSE}enrol")
    return user_id


def test_a_lesson_is_in_one_language_until_the_reader_picks_a_second(client, reader):
    page = client.get(LESSON).get_data(as_text=True)
    assert not pairs(page)
    assert '<details class="reading-languages" lang="es">' in page  # the offer, closed
    options = re.findall(r'<option[^>]*value="(\w+)"', page)
    assert options == ["none", "en"]  # the lesson exists in Spanish and English: only English can go beside it


def test_the_second_language_sits_beside_each_section_aligned_by_heading(client, reader):
    response = client.post(CHOOSE, data={"reading-second_language": "en"})
    assert response.status_code == 302 and response.location.endswith(LESSON)
    page = client.get(LESSON).get_data(as_text=True)
    found = pairs(page)
    assert found and all(first == "es" and second == "en" for first, _, second, _ in found)
    body = [(headings(mine), headings(theirs)) for _, mine, _, theirs in found if headings(mine) or headings(theirs)]
    assert body == [(["Una historia"], ["A story"])]  # the Spanish section beside its English version
    assert '<p class="second-title" lang="en">Why listen?</p>' in page
    assert "Escuchar es donde empieza el respeto." in page and "Listening is where respect begins." in page
    # activities: the prompt and each choice in both languages, in one form
    assert "¿Cuál es el propósito principal de escuchar en un diálogo?" in page
    assert "What is the main purpose of listening in a dialogue?" in page
    assert re.search(r'Comprender a la otra persona\.<span class="second" lang="en">To understand the other '
                     r"person\.</span></label>", page)
    assert page.count('name="a-listening-purpose-choice"') == 3  # one set of radio buttons, not two


def test_answers_and_progress_are_the_same_in_either_language(client, app, reader):
    client.post(CHOOSE, data={"reading-second_language": "en"})
    client.post(f"{LESSON}activities/listening-purpose", data={"a-listening-purpose-choice": "1"})
    client.post(f"{LESSON}complete")
    page = client.get(LESSON).get_data(as_text=True)
    feedback = [pair for pair in pairs(page) if "Comprender viene antes" in pair[1]]
    assert feedback and "Understanding comes before agreeing or disagreeing." in feedback[0][3]
    with app.app_context():
        answers = db.session.scalars(db.select(Response).filter_by(user_id=reader)).all()
        assert [(a.activity.slug, a.choice) for a in answers] == [("listening-purpose", 1)]
        db.session.get(User, reader).locale = "en"
        db.session.commit()
    english = client.get(LESSON).get_data(as_text=True)
    assert '<article lang="en" class="lesson">' in english
    checked = r'<input type="radio" name="a-listening-purpose-choice" value="1" checked>'
    assert re.search(checked, english)
    assert "You marked this lesson as done." in english


def test_the_choice_is_remembered_for_the_next_lessons_and_one_language_undoes_it(client, reader):
    client.post(CHOOSE, data={"reading-second_language": "en"})
    assert pairs(client.get(f"{COURSE}listening-to-disagree/").get_data(as_text=True))
    client.post(CHOOSE, data={"reading-second_language": "none"})
    assert not pairs(client.get(f"{COURSE}listening-to-disagree/").get_data(as_text=True))


def test_a_lesson_missing_the_second_language_says_so_and_shows_one(client, app, auth, content):
    user_id, _ = auth.as_new_user(locale="en")
    client.post(f"{COURSE}enrol")
    client.post(CHOOSE, data={"reading-second_language": "es"})
    with app.app_context():  # the third module is open to a self-paced learner
        assert db.session.get(User, user_id).second_language == "es"
    page = client.get(GROUPS).get_data(as_text=True)
    assert not pairs(page)
    assert "This lesson is not written in Spanish yet, so it is shown in one language." in page


def test_an_unknown_language_is_refused_with_a_message_on_the_lesson(client, reader, app):
    response = client.post(CHOOSE, data={"reading-second_language": "xx"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'<select[^>]*aria-invalid="true"[^>]*id="reading-second_language"', page) \
        or re.search(r'id="reading-second_language"[^>]*aria-invalid="true"', page)
    assert '<details class="reading-languages" lang="es" open>' in page
    assert "<h1>¿Por qué escuchar?</h1>" in page
    with app.app_context():
        assert db.session.get(User, reader).second_language is None


def test_the_account_page_sets_and_clears_the_second_language(client, app, auth, content):
    user_id, _ = auth.as_new_user(locale="en")
    page = client.get("/account").get_data(as_text=True)
    assert 'id="second_language"' in page
    form = {"display_name": "Side reader", "locale": "en", "timezone": "UTC", "region": "", "digest": "weekly"}
    client.post("/account", data={**form, "second_language": "fr"})
    with app.app_context():
        assert db.session.get(User, user_id).second_language == "fr"
    client.post("/account", data=form)  # a form without the field keeps the choice
    with app.app_context():
        assert db.session.get(User, user_id).second_language == "fr"
    client.post("/account", data={**form, "second_language": ""})
    with app.app_context():
        assert db.session.get(User, user_id).second_language is None


def cohort_with_pair(app, learner_id, pair, languages=("en", "es")):
    with app.app_context():
        factories.community("pair-circle", region="latin-america")
        factories.cohort("pair-circle", languages=list(languages), reading_pair=pair, learners=[learner_id])
        db.session.commit()


def test_a_cohort_pair_applies_to_its_learners_until_they_choose(client, app, auth, content):
    user_id, _ = auth.as_new_user(locale="es")
    cohort_with_pair(app, user_id, "en es")
    assert [(a, b) for a, _, b, _ in pairs(client.get(LESSON).get_data(as_text=True))][:1] == [("es", "en")]
    client.post(CHOOSE, data={"reading-second_language": "none"})
    assert not pairs(client.get(LESSON).get_data(as_text=True))


def test_a_cohort_pair_leaves_a_reader_of_a_third_language_alone(client, app, auth, content):
    user_id, _ = auth.as_new_user(locale="fr")
    cohort_with_pair(app, user_id, "en es", languages=("en", "es", "fr"))
    page = client.get(LESSON).get_data(as_text=True)
    assert '<article lang="en" class="lesson">' in page  # no French version: English, the documented fallback
    assert [(a, b) for a, _, b, _ in pairs(page)][:1] == [("en", "es")]  # English is half of the pair: Spanish beside


def test_cohort_settings_offer_a_pair_of_its_own_languages_only(client, app, auth, content):
    user_id, _ = auth.as_new_user(locale="en")
    with app.app_context():
        factories.community("pair-circle", region="latin-america")
        factories.focal_point(user_id, "latin-america")
        cohort = factories.cohort("pair-circle", languages=["en"], timezone="UTC")
        db.session.commit()
        cohort_id = cohort.id
    url = f"/cohorts/{cohort_id}/settings"
    form = {"name": "Spring circle", "starts_on": "2030-01-01", "ends_on": "2030-04-01", "languages": ["en"],
            "timezone": "UTC", "pacing": "self-paced", "action": "save", "reading_pair": "en fr"}
    refused = client.post(url, data=form)
    assert refused.status_code == 400
    assert "Choose two of the cohort's languages, or none." in refused.get_data(as_text=True)
    assert re.search(r'<option selected value="en fr">', refused.get_data(as_text=True))  # the choice stays
    assert client.post(url, data={**form, "languages": ["en", "fr"]}).status_code == 302
    with app.app_context():
        from colab.communities.models import Cohort
        assert db.session.get(Cohort, cohort_id).reading_pair == "en fr"


def test_sections_cut_only_at_top_level_headings():
    html = render("Intro\n\n## One\n\nText\n\n> ## Quoted\n\n## Two\n\n- a")
    assert [headings(piece) for piece in sections(html)] == [[], ["One", "Quoted"], ["Two"]]
    assert all(isinstance(piece, SafeHTML) for piece in sections(html))
    assert "".join(sections(html)) == html
    tricky = SafeHTML('<p><abbr title="a <h2> b">x</abbr></p><h2>Real</h2>')
    assert len(sections(tricky)) == 2
    with pytest.raises(TypeError):
        sections("<h2>not rendered</h2>")
