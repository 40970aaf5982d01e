"""Low-data mode: for a costly or slow connection, nothing is downloaded in the background (the service worker is
installed only when the reader saves something for offline reading) and discussions come in shorter pages.
Chosen on the account, or from the link in every page's footer (a cookie keeps it for a reader signed out)."""
from flask import current_app, request
from flask_login import current_user

COOKIE = "colab_low_data"
YEAR = 365 * 24 * 3600


def is_on():
    """Whether the reader chose low-data mode, on their account or in this browser (a device on a costly
    connection stays in low-data mode whoever signs in)."""
    return request.cookies.get(COOKIE) == "1" or (current_user.is_authenticated and current_user.low_data)


def remember(response, on):
    """Keep the choice in this browser too, so it holds after signing out."""
    if on:
        response.set_cookie(COOKIE, "1", max_age=YEAR, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    else:
        response.delete_cookie(COOKIE)
    return response
