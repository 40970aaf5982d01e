"""The search index: one plain-text entry per searchable thing and language, and the full-text index beside it.

SQLite indexes the entries with an FTS5 external-content table kept in sync by triggers; PostgreSQL with a
tsvector column (written by colab/search/indexing.py from accent-folded text, with the row's language
configuration) under a GIN index. db.create_all() makes either through the DDL listeners below; the Alembic
migration runs the same statements (index_ddl, drop_index_ddl) and skips these objects when comparing
(include_name)."""
import enum

from sqlalchemy import DDL, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import choice_type


class Kind(enum.StrEnum):
    LESSON = "lesson"
    RESOURCE = "resource"
    EVENT = "event"
    PROFILE = "profile"
    ORGANISATION = "organisation"
    THREAD = "thread"
    POST = "post"


# The text-search configuration for each language an entry can be in; "" (unknown, e.g. posts) is "simple".
CONFIGS = {"en": "english", "es": "spanish", "fr": "french"}
SIMPLE = "simple"
FTS_TABLE = "search_fts"
VECTOR_INDEX = "ix_search_entry_search_vector"


class SearchEntry(db.Model):
    """One searchable thing in one language: its title and body as plain text (never HTML), as written."""

    __table_args__ = (UniqueConstraint("kind", "object_id", "locale"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(choice_type(Kind, "search_kind"))
    object_id: Mapped[int] = mapped_column(Integer)
    locale: Mapped[str] = mapped_column(String(10), default="")  # "en", "es", "fr", or "" when unknown
    title: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # PostgreSQL only: the accent-folded title (weight A) and body (weight B) in the locale's configuration.
    search_vector = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"), nullable=True)


# --- SQLite: FTS5 over search_entry, kept in step by triggers ---------------------------------------------

SQLITE_DDL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(title, body, content='search_entry', "
    "content_rowid='id', tokenize=\"unicode61 remove_diacritics 2\")",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_ai AFTER INSERT ON search_entry BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_ad AFTER DELETE ON search_entry BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_au AFTER UPDATE ON search_entry BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",  # entries already there (a migration) get indexed
)
SQLITE_DROP_DDL = (f"DROP TABLE IF EXISTS {FTS_TABLE}",)  # the triggers go with search_entry

# --- PostgreSQL: a GIN index over the tsvector column ------------------------------------------------------

POSTGRESQL_DDL = (f"CREATE INDEX IF NOT EXISTS {VECTOR_INDEX} ON search_entry USING gin (search_vector)",)
POSTGRESQL_DROP_DDL = (f"DROP INDEX IF EXISTS {VECTOR_INDEX}",)
DDL_BY_DIALECT = {"sqlite": (SQLITE_DDL, SQLITE_DROP_DDL), "postgresql": (POSTGRESQL_DDL, POSTGRESQL_DROP_DDL)}


def index_ddl(dialect_name):
    """The statements that build the full-text index once search_entry exists (the migration's upgrade runs
    each with op.execute)."""
    return DDL_BY_DIALECT.get(dialect_name, ((), ()))[0]


def drop_index_ddl(dialect_name):
    """The statements that remove what index_ddl built (the migration's downgrade, before dropping
    search_entry)."""
    return DDL_BY_DIALECT.get(dialect_name, ((), ()))[1]


def include_name(name, type_, parent_names):
    """For Alembic's autogenerate and comparison: skip what index_ddl builds, which no model describes (the FTS5
    table and its shadow tables, the GIN index). Pass it as include_name= in migrations/env.py and the test."""
    if name is None:
        return True
    return not ((type_ == "table" and name.startswith(FTS_TABLE)) or (type_ == "index" and name == VECTOR_INDEX))


for _dialect, (_create, _drop) in DDL_BY_DIALECT.items():
    for _statement in _create:
        event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect=_dialect))
    for _statement in _drop:
        event.listen(SearchEntry.__table__, "before_drop", DDL(_statement).execute_if(dialect=_dialect))
