"""flask search: keep the search index."""
import click
from flask.cli import AppGroup

from ..extensions import db
from . import indexing

search_cli = AppGroup("search", help="Keep the search index.")


@search_cli.command("rebuild")
def rebuild():
    """Empty the search index and write it again from every lesson, resource, event, directory entry, thread and
    post (in batches, in one transaction: searches see the old index until it is done)."""
    written = indexing.rebuild()
    db.session.commit()
    click.echo("Search index rebuilt: " + ", ".join(f"{number} {kind}" for kind, number in written.items()) + ".")
