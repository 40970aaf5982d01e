"""The migrations build the schema the models describe, on SQLite and PostgreSQL, from one head."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from colab.extensions import db, migrate
from colab.search.models import include_name


def drop_everything():
    db.drop_all()
    with db.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_there_is_a_single_head(app):
    with app.app_context():
        config = migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrations_produce_the_models_schema(app):
    with app.app_context():
        drop_everything()
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include_name})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = db.inspect(connection).get_table_names()
        assert set(tables) <= {"alembic_version"}
        drop_everything()
        db.create_all()


def _model_checks():
    from sqlalchemy import CheckConstraint
    return {(table.name, constraint.name) for table in db.metadata.sorted_tables
            for constraint in table.constraints if isinstance(constraint, CheckConstraint)}


def test_migrations_create_every_check_constraint_and_sqlite_never_reuses_user_ids(app):
    """Alembic's comparison does not see CHECK constraints or AUTOINCREMENT; this test does."""
    with app.app_context():
        drop_everything()
        upgrade()
        with db.engine.connect() as connection:
            inspector = db.inspect(connection)
            migrated = {(table, check["name"]) for table in inspector.get_table_names()
                        for check in inspector.get_check_constraints(table) if check.get("name")}
            user_sql = (connection.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'user'").scalar()
                        if connection.dialect.name == "sqlite" else None)
        drop_everything()
        db.create_all()
    assert len(_model_checks()) >= 9
    assert _model_checks() <= migrated, _model_checks() - migrated
    if user_sql is not None:
        assert "AUTOINCREMENT" in user_sql
