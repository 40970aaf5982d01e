"""The review queue, moderation acts on posts, threads and members, and the audit log."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..extensions import db
from ..models_base import utcnow
from ..urls import or_404, page_arg, safe_next
from ..communities import service
from ..communities.views import community_or_404, post_or_404, thread_or_404
from . import service as moderation
from .forms import MuteForm, OptionalReasonForm, PremoderationForm, ReasonForm, SlowModeForm

bp = Blueprint("moderation", __name__, url_prefix="/communities/<slug>")


@bp.before_request
@login_required
def moderators_only():
    community = community_or_404(request.view_args["slug"])
    policy.require("community.moderate", community)


@bp.get("/moderation")
def queue(slug):
    community = community_or_404(slug)
    items, held = moderation.queue(community, viewer=current_user)
    return render_template("moderation/queue.html", community=community, items=items, held=held,
                           reason_form=ReasonForm(), optional_form=OptionalReasonForm(),
                           premoderation_form=PremoderationForm(posts=community.premoderate_posts))


# action -> (form, the post statuses it applies to, what it does)
POST_ACTIONS = {
    "hide": (ReasonForm, ("visible", "held"), lambda post, reason: moderation.hide(current_user, post, reason)),
    "restore": (OptionalReasonForm, ("hidden",), lambda post, reason: moderation.restore(current_user, post, reason)),
    "dismiss": (OptionalReasonForm, ("visible", "hidden"),
                lambda post, reason: moderation.dismiss(current_user, post, reason)),
    "warn": (ReasonForm, ("visible", "hidden"), lambda post, reason: moderation.warn(current_user, post, reason)),
    "approve": (OptionalReasonForm, ("held",),
                lambda post, reason: moderation.approve_post(current_user, post, reason)),
}


@bp.post("/threads/<int:thread_id>/posts/<int:post_id>/<action>")
def post_action(slug, thread_id, post_id, action):
    community, thread, post = post_or_404(slug, thread_id, post_id)
    if action not in POST_ACTIONS or post.status not in POST_ACTIONS[action][1]:
        abort(404)
    if post.author_id == current_user.id:
        policy.require("community.assign_roles", community)  # nobody reviews their own post but those above them
    form_class, _statuses, act = POST_ACTIONS[action]
    form = form_class()
    if not form.validate_on_submit():
        flash(_("Say why: the author and the audit log will see it."), "error")
        return redirect(request.referrer if _same_site(request.referrer) else url_for(".queue", slug=slug))
    act(post, form.reason.data or "")
    db.session.commit()
    flash(_("Done. The action is recorded in the audit log."), "success")
    return redirect(request.form.get("back") if _same_site(request.form.get("back")) else url_for(".queue", slug=slug))


def _same_site(url):
    if url and url.startswith(request.host_url):
        url = "/" + url[len(request.host_url):]
    return safe_next(url)


@bp.post("/threads/<int:thread_id>/<action>")
def thread_action(slug, thread_id, action):
    community, thread = thread_or_404(slug, thread_id)
    flags = {"lock": ("locked", True), "unlock": ("locked", False), "pin": ("pinned", True),
             "unpin": ("pinned", False)}
    if action in flags:
        moderation.set_thread_flag(current_user, thread, *flags[action])
    elif action == "slow-mode":
        form = SlowModeForm()
        if not form.validate_on_submit():
            flash(_("Enter a number of minutes from 0 to 1440."), "error")
            return redirect(url_for("communities.thread", slug=slug, thread_id=thread_id))
        moderation.set_slow_mode(current_user, thread, form.minutes.data)
    else:
        abort(404)
    db.session.commit()
    flash(_("Done. The action is recorded in the audit log."), "success")
    return redirect(url_for("communities.thread", slug=slug, thread_id=thread_id))


@bp.post("/moderation/premoderation")
def premoderation(slug):
    community = community_or_404(slug)
    form = PremoderationForm()
    if form.validate_on_submit():
        moderation.set_premoderation(current_user, community, form.posts.data)
        db.session.commit()
        flash(_("Done. The action is recorded in the audit log."), "success")
    else:
        flash(_("Enter a number of posts from 0 to 20."), "error")
    return redirect(url_for(".queue", slug=slug))


@bp.get("/members")
def members(slug):
    community = community_or_404(slug)
    page = service.members_page(community, page_arg(), current_app.config["PER_PAGE"])
    return render_template("moderation/members.html", community=community, page=page, mute_form=MuteForm(),
                           now=utcnow())


@bp.post("/members/<int:member_id>/<action>")
def member_action(slug, member_id, action):
    community = community_or_404(slug)
    member = or_404(service.find_member(community, member_id))
    if action in ("facilitator", "member") or member.user_id == current_user.id:
        policy.require("community.assign_roles", community)  # nobody moderates themselves
    if action == "approve" and member.pending:
        service.approve(member)
        moderation.log(community, current_user, "approve_member", subject_id=member.user_id)
    elif action == "decline" and member.pending:
        service.decline(member)
        moderation.log(community, current_user, "decline_member", subject_id=member.user_id)
    elif action == "mute":
        form = MuteForm()
        if not form.validate_on_submit():
            flash(_("Give a number of hours and a reason to mute a member."), "error")
            return redirect(url_for(".members", slug=slug))
        moderation.mute(current_user, member, utcnow() + timedelta(hours=form.hours.data), form.reason.data)
    elif action == "unmute":
        moderation.unmute(current_user, member)
    elif action in ("facilitator", "member"):
        service.set_role(member, action)
        moderation.log(community, current_user, f"role_{action}", subject_id=member.user_id)
    else:
        abort(404)
    db.session.commit()
    flash(_("Done. The action is recorded in the audit log."), "success")
    return redirect(url_for(".members", slug=slug))


@bp.get("/audit")
def audit(slug):
    community = community_or_404(slug)
    page = moderation.audit_page(community, page_arg(), current_app.config["PER_PAGE"])
    return render_template("moderation/audit.html", community=community, page=page)
