"""The joint calendar's pages: the upcoming list, the month, an event and its .ics, planning and changing events.
The feed settings and the iCal feeds are in feed_views.py, on the same blueprint."""
from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_interval
from babel.dates import format_time as babel_format_time
from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale, lazy_pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .. import policy
from ..extensions import db, limiter, login_manager
from ..i18n import select_timezone
from ..urls import or_404, page_arg
from . import ical, listing, planning
from .forms import EventForm, event_language_choices
from .models import EventScope

bp = Blueprint("calendar", __name__, url_prefix="/calendar")

# Fetched by calendar apps, which carry no session: the token (or an open community) decides.
FEED_ENDPOINTS = {"calendar.personal_feed", "calendar.member_community_feed", "calendar.open_community_feed"}

# Why the service refused what was typed, said beside the field it concerns.
PROBLEMS = {
    "unknown": _l("Choose from the list."),
    "not_allowed": _l("Choose one of the calendars listed: you may not plan events for that one."),
    "missing": _l("Give a time, or tick “All-day event”."),
    "range": _l("Give a date between %(first)s and %(last)s.", first=planning.MIN_YEAR, last=planning.MAX_YEAR),
    "before_start": _l("The event must end after it starts."),
    "too_long": _l("An event may last at most %(days)s days.", days=planning.MAX_DAYS),
    "scheme": _l("Give a link that starts with https:// or http://, or leave it empty."),
}
FILTER_LABELS = {"all": lazy_pgettext("events", "All"), "global": _l("Everyone"), "region": _l("My region"),
                 "communities": _l("My communities"), "cohorts": _l("My cohorts")}


@bp.before_request
def signed_in_only():
    """The calendar's pages are for signed-in people; only the feeds answer without a session."""
    if request.endpoint not in FEED_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def _per_person():
    return f"user:{current_user.id}" if current_user.is_authenticated else f"ip:{get_remote_address()}"


# Plans, changes, cancellations and reinstatements, per person; a form sent back with errors does not count.
_event_limit = limiter.shared_limit(lambda: current_app.config["EVENT_RATE_LIMIT"], scope="calendar-events",
                                    methods=["POST"], key_func=_per_person,
                                    deduct_when=lambda response: response.status_code < 400)


def _reader_zone():
    return planning.zone(select_timezone())


def _locale():
    return str(get_locale())


# --- how times read ---------------------------------------------------------------------------------------

@bp.app_template_filter("event_when")
def event_when(event, style="full", zone_name=None):
    """When event happens, in the reader's words and time zone (zone_name: another zone). style "time": without
    the date for a one-day event (under a day's heading). An all-day event keeps its own dates everywhere."""
    locale = get_locale()
    if event.all_day:
        first, last = listing.local_days(event)
        if first == last:
            return _("All day") if style == "time" else babel_format_date(first, "full", locale=locale)
        return format_interval(first, last, "yMMMEd", locale=locale)
    tz = planning.zone(zone_name) if zone_name else _reader_zone()
    first, last = listing.local_days(event, tz)

    def clock(value):
        return babel_format_time(value, "short", tzinfo=tz, locale=locale)

    if first == last:
        times = _("%(start)s–%(end)s", start=clock(event.starts_at), end=clock(event.ends_at))
        return times if style == "time" else _("%(date)s, %(times)s", date=babel_format_date(
            first, "full", locale=locale), times=times)
    return _("%(start)s to %(end)s",
             start=_("%(date)s, %(time)s", date=babel_format_date(first, "medium", locale=locale),
                     time=clock(event.starts_at)),
             end=_("%(date)s, %(time)s", date=babel_format_date(last, "medium", locale=locale),
                   time=clock(event.ends_at)))


@bp.app_template_filter("event_place")
def event_place(event):
    """Whom the event is for: everyone, a region, a community or a cohort."""
    if event.scope == EventScope.GLOBAL:
        return _("Everyone")
    if event.region is not None and event.scope == EventScope.REGION:
        return event.region.name
    if event.cohort is not None:
        return _("Cohort %(cohort)s", cohort=event.cohort.name)
    return event.community.name_in(_locale()) if event.community is not None else ""


@bp.context_processor
def calendar_context():
    return {"filter_labels": FILTER_LABELS, "language_name": _language_name,
            "zone_label": lambda name: (name or "UTC").replace("_", " ")}


def _language_name(code):
    return dict(event_language_choices()).get(code, code)


# --- the list and the month ----------------------------------------------------------------------------------

def _show_arg():
    show = request.args.get("show") or "all"
    if show not in listing.filters_for(current_user):
        abort(404)
    return show


@bp.get("/")
def index():
    """The events still to come (or under way) that the reader may see, by day, in their time zone."""
    policy.require("calendar.view")
    show, tz = _show_arg(), _reader_zone()
    page = listing.upcoming_page(current_user, page_arg(), current_app.config["PER_PAGE"], show)
    today = listing.today_in(tz)
    return render_template("events/index.html", page=page, days=listing.by_day(page.items, tz, today), show=show,
                           filters=listing.filters_for(current_user), today=today,
                           can_plan=policy.can("event.create"))


@bp.get("/<int:year>/<int:month>")
def month(year, month):
    """A month as a grid of weeks (a list of the days with events on a phone), in the reader's time zone."""
    policy.require("calendar.view")
    if not listing.valid_month(year, month):
        abort(404)
    show, tz = _show_arg(), _reader_zone()
    locale = Locale.parse(_locale())
    first_weekday = locale.first_week_day
    weekdays = [(locale.days["format"]["wide"][(first_weekday + i) % 7],
                 locale.days["format"]["abbreviated"][(first_weekday + i) % 7]) for i in range(7)]
    grid = listing.month(current_user, year, month, tz, first_weekday, show)
    return render_template("events/month.html", grid=grid, weekdays=weekdays, show=show, today=listing.today_in(tz),
                           filters=listing.filters_for(current_user), can_plan=policy.can("event.create"))


# --- one event ---------------------------------------------------------------------------------------------

def _event_or_404(event_id, rule="event.view"):
    """The event, if the reader may see it (else 404: others do not learn it exists); 403 when they see it but the
    rule (edit, cancel) is not theirs."""
    event = or_404(planning.find(event_id))
    if not policy.can("event.view", event):
        abort(404)
    policy.require(rule, event)
    return event


def event_url(event):
    return url_for("calendar.show", event_id=event.id, _external=True)


@bp.get("/events/<int:event_id>")
def show(event_id):
    event = _event_or_404(event_id)
    other_zone = not event.all_day and event.timezone != (current_user.timezone or "UTC")
    return render_template("events/show.html", event=event, other_zone=other_zone,
                           month_of=listing.local_days(event, _reader_zone())[0])


def ics_response(body, filename=None, private=True):
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store" if private else "public, max-age=900"
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/events/<int:event_id>.ics")
def download(event_id):
    """The event as an .ics file to add to one's own calendar."""
    event = _event_or_404(event_id)
    return ics_response(ical.calendar([event], "Co-Lab", event_url), filename=f"event-{event.id}.ics")


# --- planning and changing --------------------------------------------------------------------------------------

def _scope_choices(places):
    locale = _locale()
    groups = {}
    if places.everyone:
        groups[_("Everyone")] = [("global", _("Everyone on Co-Lab"))]
    if places.regions:
        groups[_("Regions")] = [(planning.place_key(region), region.name) for region in places.regions]
    if places.communities:
        groups[_("Communities")] = [(planning.place_key(community), community.name_in(locale))
                                    for community in places.communities]
    if places.cohorts:
        groups[_("Cohorts")] = [(planning.place_key(cohort), f"{cohort.name} · {cohort.community.name_in(locale)}")
                                for cohort in places.cohorts]
    return groups


def _data(form):
    return planning.EventData(
        title=form.title.data or "", scope=form.scope.data or "", starts_on=form.starts_on.data,
        starts_time=form.starts_time.data, ends_on=form.ends_on.data, ends_time=form.ends_time.data,
        all_day=bool(form.all_day.data), timezone=form.timezone.data or "", description=form.description.data or "",
        online_url=(form.online_url.data or "").strip(), place=form.place.data or "",
        languages=form.languages.data or [])


def _checked(form):
    """Whether the form is valid by its own checks and the service's (whose problems go beside their fields)."""
    valid = form.validate_on_submit()
    if not form.is_submitted():
        return False
    for name, reason in planning.problems(current_user, _data(form)).items():
        if not form[name].errors:
            form[name].errors = [PROBLEMS[reason]]
        valid = False
    return valid


def _form_page(form, event=None):
    return render_template("events/form.html", form=form, event=event), 400 if form.is_submitted() else 200


@bp.route("/events/new", methods=["GET", "POST"])
@_event_limit
def new():
    """Plan an event. ?scope= preselects a calendar (e.g. "community-5" from a community's page)."""
    policy.require("event.create")
    places = planning.planning_places(current_user)
    if request.method == "POST":
        form = EventForm()
    else:
        choices = _scope_choices(places)
        keys = [key for options in choices.values() for key, _label in options]
        wanted = request.args.get("scope")
        form = EventForm(formdata=None, data={
            "timezone": current_user.timezone or "UTC", "languages": [_locale()],
            "scope": wanted if wanted in keys else (keys[0] if keys else "")})
    form.scope.choices = _scope_choices(places)
    if _checked(form):
        event = planning.create(current_user, _data(form))
        db.session.commit()
        flash(_("The event is in the calendar."), "success")
        return redirect(url_for(".show", event_id=event.id))
    return _form_page(form)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@_event_limit
def edit(event_id):
    event = _event_or_404(event_id, "event.edit")
    if request.method == "POST":
        form = EventForm()
    else:
        form = EventForm(formdata=None, data={
            "title": event.title, "scope": planning.place_key(planning.place_of(event)), "all_day": event.all_day,
            "timezone": event.timezone, "online_url": event.online_url, "place": event.place,
            "languages": list(event.languages or []), "description": event.description_source,
            **planning.form_values(event)})
    form.scope.choices = _scope_choices(planning.planning_places(current_user))
    if _checked(form):
        changed = planning.update(current_user, event, _data(form))
        db.session.commit()
        flash(_("The event is saved. Calendars that subscribe to it will pick up the change.") if changed
              else _("Nothing changed."), "success" if changed else "info")
        return redirect(url_for(".show", event_id=event.id))
    return _form_page(form, event)


@bp.post("/events/<int:event_id>/cancel")
@_event_limit
def cancel(event_id):
    """Cancel: the event stays listed, marked cancelled, and feeds say so."""
    event = _event_or_404(event_id, "event.cancel")
    if planning.cancel(current_user, event):
        db.session.commit()
        flash(_("The event is cancelled. It stays in the calendar, marked cancelled."), "info")
    return redirect(url_for(".show", event_id=event.id))


@bp.post("/events/<int:event_id>/reinstate")
@_event_limit
def reinstate(event_id):
    event = _event_or_404(event_id, "event.cancel")
    if planning.reinstate(current_user, event):
        db.session.commit()
        flash(_("The event is on again."), "success")
    return redirect(url_for(".show", event_id=event.id))


from . import feed_views  # noqa: E402, F401 - its routes are on bp
