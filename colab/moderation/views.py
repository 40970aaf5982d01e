"""The review queues, moderation acts on posts, threads and members, and the audit log."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import policy
from ..communities import service
from ..communities.models import Role
from ..communities.views import community_or_404, post_or_404, thread_or_404, too_many
from ..communities.views import thread as thread_page
from ..extensions import db
from ..models_base import utcnow
from ..urls import or_404, page_arg, safe_next
from . import service as moderation
from .forms import MuteForm, OptionalReasonForm, PremoderationForm, ReasonForm, SlowModeForm
from .models import Act

bp = Blueprint("moderation", __name__)
bp.register_error_handler(429, too_many)  # the limit page says when to try again
COMMUNITY = "/communities/<slug>"


@bp.before_request
@login_required
def moderators_only():
    """Only people who moderate something reach these pages: a community's moderators, and the facilitators of
    one of its cohorts (their cohort's threads). Each route then asks the rule of what it does."""
    slug = (request.view_args or {}).get("slug")
    if slug is None:
        policy.require("moderation.overview")
    else:
        policy.require("community.moderate_some", community_or_404(slug))


def _whole_community(slug):
    """The community, for what only its moderators do (members, mutes, roles, pre-moderation, the audit log)."""
    community = community_or_404(slug)
    policy.require("community.moderate", community)
    return community


@bp.app_context_processor
def moderation_helpers():
    return {"post_actions": allowed_post_actions, "review_count": _review_count}


def _review_count():
    """Items waiting in the current user's review queues, or None for people who review nothing."""
    if not policy.can("moderation.overview"):
        return None
    return moderation.review_count(current_user)


@bp.get("/moderation/")
def queues():
    """The review queues of every community the person moderates."""
    page, counts = moderation.queues_page(current_user, page_arg(), current_app.config["PER_PAGE"])
    return render_template("moderation/queues.html", page=page, counts=counts)


@bp.get(COMMUNITY + "/moderation")
def queue(slug, act_form=None, act_post=None, premoderation_form=None):
    """The items the viewer may review here (a cohort's facilitator: those of their cohort's threads).
    A form sent back with its errors (act_form on act_post's item, or premoderation_form) is shown again with them,
    the typed text kept, with status 400; the other forms of the page are as a first visit shows them."""
    community = community_or_404(slug)
    items, held = moderation.queue(community, current_user)
    if act_post is not None and act_post not in held and all(item["post"] is not act_post for item in items):
        return thread_page(slug, act_post.thread_id, tools={"act_form": act_form, "act_post": act_post})  # gone
    sent_back = act_form is not None or premoderation_form is not None
    return render_template("moderation/queue.html", community=community, items=items, held=held,
                           roles=service.staff_roles(community), act_form=act_form, act_post=act_post,
                           premoderation_form=premoderation_form or PremoderationForm(
                               formdata=None, posts=community.premoderate_posts)), 400 if sent_back else 200


# act -> (its form, what it does). Which posts each act applies to, and who may do it: policy "post.<act>".
POST_ACTIONS = {
    "approve": (OptionalReasonForm, moderation.approve_post),
    "hide": (ReasonForm, moderation.hide),
    "restore": (OptionalReasonForm, moderation.restore),
    "warn": (ReasonForm, moderation.warn),
    "dismiss": (OptionalReasonForm, moderation.dismiss),
}
assert POST_ACTIONS.keys() == policy.POST_ACTS.keys()


def allowed_post_actions(post, *offered):
    """The acts the current user may do on the post, among those offered (all when none), in table order."""
    return [act for act in POST_ACTIONS if (not offered or act in offered) and policy.can(f"post.{act}", post)]


@bp.post(COMMUNITY + "/threads/<int:thread_id>/posts/<int:post_id>/<action>")
def post_action(slug, thread_id, post_id, action):
    community, thread, post = post_or_404(slug, thread_id, post_id)
    if action not in POST_ACTIONS:
        abort(404)
    refused = policy.refusal(f"post.{action}", post)
    if refused is not None:
        abort(404 if refused.reason == "state" else 403)
    form_class, act = POST_ACTIONS[action]
    form = form_class()
    if not form.validate_on_submit():  # the page the form was on, again: its "back" is the thread page's
        if request.form.get("back"):
            return thread_page(slug, thread_id, tools={"act_form": form, "act_post": post})
        return queue(slug, act_form=form, act_post=post)
    act(current_user, post, form.reason.data or "")
    db.session.commit()
    flash(_("Done. The action is recorded in the audit log."), "success")
    return redirect(request.form.get("back") if _same_site(request.form.get("back")) else url_for(".queue", slug=slug))


def _same_site(url):
    if url and url.startswith(request.host_url):
        url = "/" + url[len(request.host_url):]
    return safe_next(url)


THREAD_ACTIONS = {"lock": Act.LOCK, "unlock": Act.UNLOCK, "pin": Act.PIN, "unpin": Act.UNPIN}


@bp.post(COMMUNITY + "/threads/<int:thread_id>/<action>")
def thread_action(slug, thread_id, action):
    community, thread = thread_or_404(slug, thread_id)
    policy.require("thread.moderate", thread)
    if action in THREAD_ACTIONS:
        moderation.set_thread_flag(current_user, thread, THREAD_ACTIONS[action])
    elif action == "slow-mode":
        form = SlowModeForm()
        if not form.validate_on_submit():
            return thread_page(slug, thread_id, tools={"slow_form": form})
        moderation.set_slow_mode(current_user, thread, form.minutes.data)
    else:
        abort(404)
    db.session.commit()
    flash(_("Done. The action is recorded in the audit log."), "success")
    return redirect(url_for("communities.thread", slug=slug, thread_id=thread_id))


@bp.post(COMMUNITY + "/moderation/premoderation")
def premoderation(slug):
    community = _whole_community(slug)
    form = PremoderationForm()
    if not form.validate_on_submit():
        return queue(slug, premoderation_form=form)
    moderation.set_premoderation(current_user, community, form.posts.data)
    db.session.commit()
    flash(_("Done. The action is recorded in the audit log."), "success")
    return redirect(url_for(".queue", slug=slug))


@bp.get(COMMUNITY + "/members")
def members(slug):
    community = _whole_community(slug)
    page = service.members_page(community, page_arg(), current_app.config["PER_PAGE"])
    return render_template("moderation/members.html", community=community, page=page, mute_form=MuteForm(),
                           roles=service.staff_roles(community), now=utcnow())


def _mute(member):
    form = MuteForm()
    if not form.validate_on_submit():
        return False
    moderation.mute(current_user, member, utcnow() + timedelta(hours=form.hours.data), form.reason.data)
    return True


# action -> (the policy rule, what it does: False when its form is not valid)
MEMBER_ACTIONS = {
    "approve": ("member.admit", lambda member: moderation.admit(current_user, member)),
    "decline": ("member.admit", lambda member: moderation.decline(current_user, member)),
    "mute": ("member.mute", _mute),
    "unmute": ("member.mute", lambda member: moderation.unmute(current_user, member)),
    "facilitator": ("member.set_role", lambda member: moderation.set_role(current_user, member, Role.FACILITATOR)),
    "member": ("member.set_role", lambda member: moderation.set_role(current_user, member, Role.MEMBER)),
}


@bp.post(COMMUNITY + "/members/<int:member_id>/<action>")
def member_action(slug, member_id, action):
    community = _whole_community(slug)
    member = or_404(service.find_member(community, member_id))
    if action not in MEMBER_ACTIONS:
        abort(404)
    rule, act = MEMBER_ACTIONS[action]
    refused = policy.refusal(rule, member)
    if refused is not None:
        abort(404 if refused.reason == "state" else 403)
    if act(member) is False:
        flash(_("Give a number of hours and a reason to mute a member."), "error")
        return redirect(url_for(".members", slug=slug))
    db.session.commit()
    flash(_("Done. The action is recorded in the audit log."), "success")
    return redirect(url_for(".members", slug=slug))


@bp.get(COMMUNITY + "/audit")
def audit(slug):
    community = _whole_community(slug)
    page = moderation.audit_page(community, page_arg(), current_app.config["PER_PAGE"])
    return render_template("moderation/audit.html", community=community, page=page,
                           roles=service.staff_roles(community))
