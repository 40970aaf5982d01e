"""Communities, membership, agreements, threads, posts and cohorts."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from .. import low_data, policy
from ..cohorts import pacing
from ..cohorts import service as cohorts
from ..courses import service as courses
from ..dates import datetime_filter
from ..events import listing as events
from ..extensions import db, limiter, minutes_until_reset
from ..i18n import is_timezone
from ..moderation import service as moderation
from ..moderation.forms import ReportPostForm, SlowModeForm
from ..urls import int_arg, or_404, page_arg, parse_int, safe_next
from . import service
from .forms import AgreementsForm, CohortForm, DialogueForm, PostForm, ThreadForm
from .models import PostStatus

bp = Blueprint("communities", __name__, url_prefix="/communities")


@bp.before_request
@login_required
def signed_in_only():
    """Communities are for signed-in people: nothing here is public."""


def _per_person():
    """Rate limits count each person, wherever they connect from."""
    return f"user:{current_user.id}" if current_user.is_authenticated else f"ip:{get_remote_address()}"


def _limited(setting):
    """A rate limit on the route's POSTs, read from the app's config (e.g. "30 per hour;5 per minute")."""
    return limiter.limit(lambda: current_app.config[setting], methods=["POST"], key_func=_per_person)


@bp.errorhandler(429)
def too_many(error):
    """The limit page, saying when to try again."""
    minutes = minutes_until_reset()
    explanation = ngettext("You have done this many times in a short while. You can try again in %(num)s minute.",
                           "You have done this many times in a short while. You can try again in %(num)s minutes.",
                           minutes)
    return render_template("errors/error.html", title=_("Too many attempts"), explanation=explanation,
                           code=429), 429


def community_or_404(slug):
    return or_404(service.find_community(slug))


def thread_or_404(slug, thread_id):
    """The thread, if the reader may see it (policy "thread.view"); otherwise it does not exist for them."""
    community = community_or_404(slug)
    thread = service.find_thread(community, thread_id)
    if thread is None or not policy.can("thread.view", thread):
        abort(404)
    return community, thread


def post_or_404(slug, thread_id, post_id):
    community, thread = thread_or_404(slug, thread_id)
    return community, thread, or_404(service.find_post(thread, post_id))


def _refusal_message(refused):
    """Why the person cannot write here right now, in words, or None."""
    if refused is None:
        return None
    if refused.reason == "muted":
        return _("You are muted in this community until %(until)s.",
                 until=datetime_filter(refused.details["until"]))
    if refused.reason == "slow_mode":
        return _("This thread is in slow mode. You can post again in %(minutes)s minutes.",
                 minutes=refused.details["minutes"])
    if refused.reason == "locked":
        return _("This thread is locked.")
    if refused.reason == "archived":
        return _("This community is archived: it is read-only.")
    return None


@bp.get("/")
def index():
    policy.require("community.list")
    return render_template("communities/index.html", mine=service.my_communities(current_user),
                           memberships=policy.memberships(current_user),
                           communities=service.communities_page(page_arg(), current_app.config["PER_PAGE"]))


@bp.get("/<slug>/")
def show(slug):
    community = community_or_404(slug)
    member = policy.memberships(current_user).get(community.id)
    can_view = policy.can("community.view", community)
    threads = service.threads_page(community, page_arg(), current_app.config["PER_PAGE"],
                                   current_user) if can_view else None
    moderates = policy.can("community.moderate_some", community)  # the whole community or a cohort's space
    if can_view and service.note_visit(member):  # for "new since your last visit" on the home page
        db.session.commit()
    return render_template("communities/show.html", community=community, member=member, threads=threads,
                           can_view=can_view, cohorts=service.cohorts_of(community) if can_view else [],
                           upcoming_events=events.upcoming_for(current_user, community=community) if can_view else [],
                           queue_size=moderation.open_queue_size(community, current_user) if moderates else 0)


@bp.post("/<slug>/join")
def join(slug):
    community = community_or_404(slug)
    policy.require("community.join", community)
    service.join(current_user, community)
    db.session.commit()
    if community.members_only:
        flash(_("Your request to join has been sent to the facilitators."), "info")
        return redirect(url_for(".show", slug=slug))
    flash(_("You joined %(community)s.", community=community.name_in(str(get_locale()))), "success")
    return redirect(url_for(".agreements", slug=slug))


@bp.post("/<slug>/leave")
def leave(slug):
    community = community_or_404(slug)
    service.leave(current_user, community)
    db.session.commit()
    flash(_("You left %(community)s.", community=community.name_in(str(get_locale()))), "info")
    return redirect(url_for(".index"))


@bp.route("/<slug>/agreements", methods=["GET", "POST"])
def agreements(slug):
    community = community_or_404(slug)
    member = policy.membership(current_user, community)
    form = AgreementsForm(next=safe_next(request.args.get("next")) or "")
    if request.method == "POST":
        policy.require("community.accept_agreements", community)
        if form.validate_on_submit():
            service.accept_agreements(member)
            db.session.commit()
            flash(_("Thank you. You can now take part in the conversations."), "success")
            return redirect(safe_next(form.next.data) or url_for(".show", slug=slug))
    return render_template("communities/agreements.html", community=community, member=member, form=form)


def _to_agreements(slug, back):
    return redirect(url_for(".agreements", slug=slug, next=back))


@bp.route("/<slug>/threads/new", methods=["GET", "POST"])
@_limited("THREAD_RATE_LIMIT")
def new_thread(slug):
    community = community_or_404(slug)
    dialogue = request.args.get("dialogue") == "1"
    refused = policy.refusal("thread.frame" if dialogue else "thread.create", community)
    if refused is not None and refused.reason == "agreements":
        return _to_agreements(slug, request.full_path)
    if refused is not None and refused.reason != "muted":
        abort(403)
    form = DialogueForm() if dialogue else ThreadForm()
    status = 200
    if form.validate_on_submit():
        if refused is not None:  # muted: the page keeps the typed text and says why
            form.title.errors.append(_refusal_message(refused))
            status = 400
        else:
            thread = service.create_thread(
                current_user, community, form.title.data, form.body.data or "", dialogue=dialogue,
                framing=form.framing.data if dialogue else "",
                content_note=(form.content_note.data or "") if dialogue else "", language=str(get_locale()))
            db.session.commit()
            if thread.held:
                flash(_("Thank you. Your thread will appear once a facilitator approves it."), "info")
            return redirect(url_for(".thread", slug=slug, thread_id=thread.id))
    return render_template("communities/new_thread.html", community=community, form=form, dialogue=dialogue,
                           notice=_refusal_message(refused)), status


@bp.get("/<slug>/threads/<int:thread_id>/")
def thread(slug, thread_id, form=None, status=200, tools=None):
    """tools: a moderation form sent back with its errors, shown again with status 400 (moderation.views):
    {"act_form": ..., "act_post": ...} on the page of that post, or {"slow_form": ...}."""
    community, thread = thread_or_404(slug, thread_id)
    per_page = current_app.config["LOW_DATA_POSTS_PER_PAGE" if low_data.is_on() else "POSTS_PER_PAGE"]
    if "post" in request.args and form is None and tools is None:
        post_id = int_arg("post")
        page = service.page_of_post(thread, post_id, per_page, current_user)
        return redirect(url_for(".thread", slug=slug, thread_id=thread_id, page=page, _anchor=f"post-{post_id}"))
    tools = tools or {}
    act_post = tools.get("act_post")
    page = service.page_of_post(thread, act_post.id, per_page, current_user) if act_post else page_arg()
    posts = service.posts_page(thread, page, per_page, current_user)
    if service.note_visit(policy.memberships(current_user).get(community.id)):
        db.session.commit()
    refused = policy.refusal("thread.reply", thread)
    if tools:
        status = 400
    if form is None:
        form = PostForm(formdata=None) if tools else PostForm()
        quoted = service.find_post(thread, int_arg("quote") or 0)
        if quoted is not None and policy.can("post.quote", quoted):
            name = quoted.author.display_name if quoted.author else _("a former member")
            form.body.data = f"> **{name}:** " + "\n> ".join(quoted.body_source.splitlines()) + "\n\n"
    return render_template("communities/thread.html", community=community, thread=thread, posts=posts, form=form,
                           moderates=policy.can("thread.moderate", thread), reply_refusal=refused,
                           notice=_refusal_message(refused), roles=service.staff_roles(community),
                           reply_to=int_arg("quote"), act_form=tools.get("act_form"), act_post=act_post,
                           slow_form=tools.get("slow_form") or SlowModeForm(formdata=None,
                                                                             minutes=thread.slow_mode_minutes)), status


@bp.post("/<slug>/threads/<int:thread_id>/reply")
@_limited("POST_RATE_LIMIT")
def reply(slug, thread_id):
    community, thread_ = thread_or_404(slug, thread_id)
    refused = policy.refusal("thread.reply", thread_)
    if refused is not None and refused.reason == "agreements":
        return _to_agreements(slug, url_for(".thread", slug=slug, thread_id=thread_id))
    if refused is not None and _refusal_message(refused) is None:
        abort(403)
    form = PostForm()
    valid = form.validate_on_submit()
    if refused is not None:  # locked, muted or slow mode: the page keeps the typed text and says why
        form.body.errors.append(_refusal_message(refused))
    elif valid:
        reply_to = service.find_post(thread_, parse_int(request.form.get("reply_to")) or 0)
        post = service.add_post(current_user, thread_, form.body.data, reply_to=reply_to, language=str(get_locale()))
        db.session.commit()
        if post.status == PostStatus.HELD:
            flash(_("Thank you. Your post will appear once a facilitator approves it."), "info")
        return redirect(url_for(".thread", slug=slug, thread_id=thread_id, post=post.id))
    return thread(slug, thread_id, form=form, status=400)


@bp.route("/<slug>/threads/<int:thread_id>/posts/<int:post_id>/edit", methods=["GET", "POST"])
@_limited("POST_EDIT_RATE_LIMIT")
def edit_post(slug, thread_id, post_id):
    community, thread_, post = post_or_404(slug, thread_id, post_id)
    policy.require("post.edit", post)
    form = PostForm(data={"body": post.body_source} if request.method == "GET" else None)
    if form.validate_on_submit():
        service.edit_post(current_user, post, form.body.data)
        db.session.commit()
        return redirect(url_for(".thread", slug=slug, thread_id=thread_id, post=post.id))
    return render_template("communities/edit_post.html", community=community, thread=thread_, post=post, form=form)


@bp.post("/<slug>/threads/<int:thread_id>/posts/<int:post_id>/delete")
def delete_post(slug, thread_id, post_id):
    community, thread_, post = post_or_404(slug, thread_id, post_id)
    policy.require("post.delete", post)
    service.delete_post(post)
    db.session.commit()
    flash(_("Your post is deleted."), "info")
    return redirect(url_for(".thread", slug=slug, thread_id=thread_id, post=post.id))


@bp.route("/<slug>/threads/<int:thread_id>/posts/<int:post_id>/report", methods=["GET", "POST"])
@_limited("REPORT_RATE_LIMIT")
def report_post(slug, thread_id, post_id):
    community, thread_, post = post_or_404(slug, thread_id, post_id)
    policy.require("post.report", post)
    form = ReportPostForm()
    if form.validate_on_submit():
        moderation.report_post(current_user, post, form.reason.data, form.note.data or "")
        db.session.commit()
        flash(_("Thank you. The facilitators will review this post and let you know the outcome."), "success")
        return redirect(url_for(".thread", slug=slug, thread_id=thread_id, post=post.id))
    return render_template("communities/report_post.html", community=community, thread=thread_, post=post,
                           form=form)


@bp.get("/<slug>/threads/<int:thread_id>/posts/<int:post_id>/history")
def post_history(slug, thread_id, post_id):
    community, thread_, post = post_or_404(slug, thread_id, post_id)
    policy.require("post.history", post)
    return render_template("communities/post_history.html", community=community, thread=thread_, post=post,
                           revisions=service.revisions(post))


@bp.route("/<slug>/cohorts/new", methods=["GET", "POST"])
def new_cohort(slug):
    community = community_or_404(slug)
    policy.require("cohort.create", community)
    form = CohortForm()
    locale = str(get_locale())
    offered = {course.id: course for course in courses.catalogue()}
    form.course.choices = [(course.id, course.title_in(locale)) for course in offered.values()]
    if request.method == "GET":
        form.timezone.data = current_user.timezone if is_timezone(current_user.timezone) else "UTC"
        form.languages.data = [locale]
    if form.validate_on_submit():
        cohort = cohorts.create_cohort(current_user, community, offered[form.course.data], form.name.data,
                                       form.starts_on.data, form.ends_on.data, form.languages.data,
                                       form.timezone.data, form.pacing.data, form.reading_pair.data)
        db.session.commit()
        flash(_("The cohort is created."), "success")
        return redirect(url_for(".cohort", slug=slug, cohort_id=cohort.id))
    return render_template("communities/new_cohort.html", community=community, form=form), \
        400 if form.is_submitted() else 200


def cohort_or_404(community, cohort_id):
    cohort = service.find_cohort(community, cohort_id)
    if cohort is None or not policy.can("community.view", community):
        abort(404)
    return cohort


@bp.get("/<slug>/cohorts/<int:cohort_id>/")
def cohort(slug, cohort_id):
    community = community_or_404(slug)
    cohort_ = cohort_or_404(community, cohort_id)
    threads = service.threads_page(community, page_arg(), current_app.config["PER_PAGE"], current_user,
                                   cohort=cohort_)
    upcoming, past = cohorts.live_sessions(cohort_)
    return render_template("communities/cohort.html", community=community, cohort=cohort_, threads=threads,
                           outline=courses.outline(cohort_.course), openings=pacing.plan(cohort_),
                           upcoming=upcoming, past=past, facilitators=cohorts.facilitators(cohort_),
                           upcoming_events=events.upcoming_for(current_user, cohort=cohort_),
                           sees_links=policy.can("cohort.members", cohort_) or policy.can("cohort.manage", cohort_))


@bp.get("/<slug>/cohorts/<int:cohort_id>/lessons/<lesson_slug>")
def lesson_discussion(slug, cohort_id, lesson_slug):
    community = community_or_404(slug)
    cohort_ = cohort_or_404(community, cohort_id)
    lesson = or_404(courses.find_lesson(cohort_.course, lesson_slug))
    thread_ = service.lesson_thread(cohort_, lesson, str(get_locale()))
    db.session.commit()
    return redirect(url_for(".thread", slug=slug, thread_id=thread_.id))
