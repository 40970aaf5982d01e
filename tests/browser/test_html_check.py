"""The Nu Html Checker that the browser suite runs over every page it renders finds real errors, and names them."""
import shutil

import pytest
from flask import Flask, Response

from .html_check import JAR, ServedPages

try:
    from tests.conftest import skip_or_fail
except ModuleNotFoundError:
    from conftest import skip_or_fail

VALID = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fine</title></head>'
         "<body><p>Fine</p></body></html>")
BROKEN = VALID.replace("<p>Fine</p>", '<label>A <p>paragraph</p></label><p id="x"></p><p id="x"></p>')


@pytest.fixture
def served():
    if not JAR.exists() or not shutil.which("java"):
        skip_or_fail("The Nu Html Checker is missing (make vnu)")
    app, pages = Flask(__name__), ServedPages()
    app.after_request(pages.keep)
    app.add_url_rule("/<name>", view_func=lambda name: Response(BROKEN if name == "broken" else VALID,
                                                                mimetype="text/html"))
    return app.test_client(), pages


def test_each_error_is_named_with_its_page_and_line(served):
    client, pages = served
    client.get("/fine"), client.get("/broken"), client.get("/fine-again")  # the same body twice is kept once
    assert len(pages.pages) == 2
    problems = pages.problems()
    assert any(p.startswith("/broken line 1: ") and "“p” not allowed as child of element “label”" in p
               for p in problems), problems
    assert any("Duplicate ID “x”" in p for p in problems), problems
    assert not any(p.startswith("/fine") for p in problems)
