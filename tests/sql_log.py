"""The SQL statements an app runs while a block runs: with recorded_statements(app) as statements: ..."""
from contextlib import contextmanager

from sqlalchemy import event

from colab.extensions import db


@contextmanager
def recorded_statements(app):
    statements = []

    def note(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)
