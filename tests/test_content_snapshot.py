"""Each process keeps a read-only copy of the courses; a change of the content reaches every reader at once."""
from sql_log import recorded_statements
from sqlalchemy import update

from colab.courses import snapshot
from colab.courses.models import ContentVersion, LessonText
from colab.courses.sync import sync_content
from colab.extensions import db

LESSON = "/courses/listening-basics/why-listen/"


def retitle(app, title):
    """Change the English title of "Why listen?" through the ORM, as a content sync or a publication does."""
    with app.app_context():
        text = db.session.scalar(db.select(LessonText).filter_by(locale="en", title="Why listen?")) or \
            db.session.scalar(db.select(LessonText).filter_by(locale="en", title="Listening, again"))
        text.title = title
        db.session.commit()


def test_a_content_change_shows_on_the_next_request(client, content, auth, app):
    auth.as_new_user()
    assert "Why listen?" in client.get(LESSON).get_data(as_text=True)
    retitle(app, "Listening, again")
    page = client.get(LESSON).get_data(as_text=True)
    assert "Listening, again" in page and "Why listen?" not in page


def test_a_change_made_by_another_server_shows_here(client, content, auth, app):
    """Another server writes the content and a new token in one transaction, without this process knowing."""
    auth.as_new_user()
    client.get(LESSON)
    with app.app_context():
        db.session.execute(update(LessonText).where(LessonText.title == "Why listen?").values(title="Heard elsewhere"))
        db.session.execute(update(ContentVersion).values(token="f" * 32))
        db.session.commit()
    assert "Heard elsewhere" in client.get(LESSON).get_data(as_text=True)


def test_a_change_rolled_back_never_shows(client, content, auth, app):
    auth.as_new_user()
    client.get(LESSON)
    with app.app_context():
        text = db.session.scalar(db.select(LessonText).filter_by(locale="en", title="Why listen?"))
        text.title = "Never published"
        db.session.flush()
        assert snapshot.current().lesson(text.lesson.course_id, "why-listen").text_in("en").title == "Never published"
        db.session.rollback()
    page = client.get(LESSON).get_data(as_text=True)
    assert "Why listen?" in page and "Never published" not in page


def test_syncing_unchanged_content_keeps_the_version(app, content):
    with app.app_context():
        before = db.session.scalar(db.select(ContentVersion.token))
        sync_content(content)
        db.session.commit()
        assert db.session.scalar(db.select(ContentVersion.token)) == before


def test_a_lesson_reads_the_content_without_asking_the_database(client, content, auth, app):
    """The course, the lesson, its texts, activities and outline come from the copy: the only content query left
    is the version token's."""
    auth.as_new_user()
    client.get(LESSON)
    with recorded_statements(app) as statements:
        assert client.get(LESSON).status_code == 200
    content_tables = ("FROM course", "FROM module", "FROM lesson ", "FROM lesson_text", "FROM activity")
    assert [s for s in statements if any(table in s for table in content_tables)] == []
    assert sum("FROM content_version" in s for s in statements) == 1
