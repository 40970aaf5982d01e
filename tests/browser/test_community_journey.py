"""A community journey in a real browser, in English and in Spanish, checked with axe-core on every page:
a learner joins an open community, accepts its agreements, posts in a facilitator's dialogue (behind a
content note) and reports another member's post; the facilitator hides it from the review queue; the
learner reads the outcome in their notifications, then files a confidential harassment report that the
focal point of the region reads and the facilitator cannot see."""
import re
import uuid

import pytest
from playwright.sync_api import expect

from .test_learner_journey import check_a11y, flash, follow, header, sign_in, visit

pytestmark = pytest.mark.browser

# The interface strings the journey reads, per language (Spanish from translations/es/.../messages.po).
UI = {
    "en": {
        "browser_locale": "en-GB", "communities": "Communities", "join": "Join this community",
        "joined": "You joined {community}.", "agreements": "Community agreements",
        "accept": "I have read these agreements and will keep them",
        "accepted": "Thank you. You can now take part in the conversations.",
        "open_dialogue": "Open a framed dialogue", "title": "Title", "framing": "Framing",
        "content_note": "Content note (optional)", "first_message": "First message (optional)", "publish": "Publish",
        "dialogue": "Dialogue", "gate": "Content note: {note} — open to read the thread",
        "framing_heading": "Framing from the facilitators", "message": "Your message", "post_reply": "Post reply",
        "report": "Report", "reason": "Reason", "disrespectful": "Disrespectful",
        "note": "Anything the facilitators should know (optional)", "send_report": "Send report",
        "reported": "Thank you. The facilitators will review this post and let you know the outcome.",
        "queue": "Review queue ({n} item)", "hide_reason": "Reason (the author will see it)", "hide": "Hide",
        "done": "Done. The action is recorded in the audit log.",
        "queue_empty": "No reported posts. Thank you for keeping this space safe.",
        "audit_log": "Audit log", "hid_a_post": "hid a post",
        "unread": "Notifications ({n} unread)", "notifications": "Notifications", "new": "New",
        "outcome": "Your report about a post in “{thread}” was reviewed: the post was hidden",
        "hidden": "Hidden by a facilitator.", "report_harassment": "Report harassment", "region": "Region",
        "africa": "Africa", "where": "Where did it happen?", "event": "At an event or meeting",
        "find": "Find a person on Co-Lab by their display name", "search": "Search",
        "readers": "the focal points of Africa", "what": "What happened",
        "send_confidential": "Send confidential report",
        "filed": "Your report has been received. Only the people handling it can read it; "
                 "you will be told when its status changes.",
        "received": "Received", "my_reports": "My reports", "reports_i_made": "Reports I made",
        "to_handle": "Reports to handle", "reported_by": "Reported by", "not_found": "Page not found",
    },
    "es": {
        "browser_locale": "es-ES", "communities": "Comunidades", "join": "Unirme a esta comunidad",
        "joined": "Te uniste a {community}.", "agreements": "Acuerdos de convivencia",
        "accept": "Leí estos acuerdos y me comprometo a respetarlos",
        "accepted": "Gracias. Ya puedes participar en las conversaciones.",
        "open_dialogue": "Abrir un diálogo con encuadre", "title": "Título", "framing": "Encuadre",
        "content_note": "Advertencia de contenido (opcional)", "first_message": "Primer mensaje (opcional)",
        "publish": "Publicar", "dialogue": "Diálogo",
        "gate": "Advertencia de contenido: {note} — abre para leer el hilo",
        "framing_heading": "Encuadre del equipo facilitador", "message": "Tu mensaje",
        "post_reply": "Publicar respuesta", "report": "Reportar", "reason": "Motivo",
        "disrespectful": "Falta de respeto", "note": "Algo que quienes facilitan deberían saber (opcional)",
        "send_report": "Enviar reporte",
        "reported": "Gracias. Quienes facilitan revisarán esta publicación y te contarán el resultado.",
        "queue": "Cola de revisión ({n} pendiente)", "hide_reason": "Motivo (lo verá la persona autora)",
        "hide": "Ocultar", "done": "Listo. La acción quedó anotada en el registro de auditoría.",
        "queue_empty": "No hay publicaciones reportadas. Gracias por mantener este espacio seguro.",
        "audit_log": "Registro de auditoría", "hid_a_post": "ocultó una publicación",
        "unread": "Notificaciones ({n} sin leer)", "notifications": "Notificaciones", "new": "Nueva",
        "outcome": "Se revisó tu reporte sobre una publicación en “{thread}”: se ocultó la publicación",
        "hidden": "Una persona facilitadora ocultó esta publicación.", "report_harassment": "Denunciar acoso",
        "region": "Región", "africa": "África", "where": "¿Dónde ocurrió?", "event": "En un evento o una reunión",
        "find": "Busca a una persona en Co-Lab por su nombre visible", "search": "Buscar",
        "readers": "los puntos focales de la región África", "what": "Qué pasó",
        "send_confidential": "Enviar denuncia confidencial",
        "filed": "Recibimos tu denuncia. Solo pueden leerla quienes la atienden; "
                 "te avisaremos cuando cambie su estado.",
        "received": "Recibida", "my_reports": "Mis denuncias", "reports_i_made": "Denuncias que hice",
        "to_handle": "Denuncias por atender", "reported_by": "Quién denuncia", "not_found": "No encontramos la página",
    },
}


# ---------------------------------------------------------------- helpers

def signed_in(live_server, new_context, ui, email):
    """A browser of its own, in the journey's language, signed in as email."""
    page = new_context(locale=ui["browser_locale"]).new_page()
    sign_in(page, live_server, email)
    return page


def main_link(page, name):
    return page.locator("main").get_by_role("link", name=name, exact=True)


def footer_link(page, name):
    return page.locator("footer.site-footer").get_by_role("link", name=name, exact=True)


def id_in_url(page, pattern):
    return int(re.search(pattern, page.url).group(1))


def open_content_note(page, ui, note):
    """Open the thread behind its content note (a plain <details>: no JavaScript needed), then run axe."""
    gate = page.locator("details.content-note-gate")
    summary = gate.locator(":scope > summary")
    expect(summary).to_have_text(ui["gate"].format(note=note))
    if gate.get_attribute("open") is None:
        summary.click()
    expect(gate).to_have_attribute("open", "")
    check_a11y(page)
    return gate


def post_item(page, post_id):
    return page.locator(f"li#post-{post_id}")


# ---------------------------------------------------------------- the journey

@pytest.mark.parametrize("lang", ["en", "es"])
def test_community_journey(new_context, live_server, live_kit, lang):
    """Join → agreements → dialogue behind a content note → reply → report → hidden from the queue →
    outcome in notifications → confidential harassment report seen by the focal point, not the facilitator."""
    ui = {**UI[lang], "lang": lang}
    tag = uuid.uuid4().hex[:4]
    names = {role: f"{role.capitalize()} {lang}-{tag}" for role in ("learner", "facilitator", "member", "focal")}
    community_name = f"Listening circle {lang} {tag}"
    slug = live_kit.community(community_name, region="africa")
    email = {role: live_server.make_user(locale=lang, display_name=name) for role, name in names.items()}
    live_kit.member(email["facilitator"], slug, role="facilitator")
    live_kit.member(email["member"], slug)
    live_kit.focal_point(email["focal"], "africa")
    facilitator = signed_in(live_server, new_context, ui, email["facilitator"])

    # The facilitator opens a framed dialogue with a content note.
    visit(facilitator, f"/communities/{slug}/")
    follow(facilitator, main_link(facilitator, ui["open_dialogue"]))
    thread_title, note = f"Fathers and care {tag}", f"mentions violence at home {tag}"
    facilitator.get_by_label(ui["title"], exact=True).fill(thread_title)
    facilitator.get_by_label(ui["framing"], exact=True).fill("What did care look like in your family?")
    facilitator.get_by_label(ui["content_note"], exact=True).fill(note)
    facilitator.get_by_label(ui["first_message"], exact=True).fill("Welcome. Take your time.")
    follow(facilitator, facilitator.get_by_role("button", name=ui["publish"]))
    thread_id = id_in_url(facilitator, r"/threads/(\d+)/")
    member_words = f"Nobody in my family ever talked about it {tag}."
    member_post = live_kit.post(email["member"], thread_id, member_words)

    # The learner finds the community, joins it and accepts its agreements.
    learner = signed_in(live_server, new_context, ui, email["learner"])
    follow(learner, header(learner).get_by_role("link", name=ui["communities"], exact=True))
    expect(learner.locator("h1")).to_have_text(ui["communities"])
    follow(learner, main_link(learner, community_name))
    follow(learner, learner.get_by_role("button", name=ui["join"]))
    expect(flash(learner)).to_have_text(ui["joined"].format(community=community_name))
    expect(learner.locator("h1")).to_have_text(ui["agreements"])
    assert not live_kit.agreements_accepted(email["learner"], slug)
    follow(learner, learner.get_by_role("button", name=ui["accept"]))
    expect(flash(learner)).to_have_text(ui["accepted"])
    assert live_kit.agreements_accepted(email["learner"], slug)

    # The dialogue: its content stays folded behind the content note until the learner opens it.
    thread_row = learner.locator("ul.threads li").filter(has_text=thread_title)
    expect(thread_row.locator(".badge")).to_have_text(ui["dialogue"])
    follow(learner, thread_row.get_by_role("link", name=thread_title))
    expect(learner.get_by_text(member_words)).to_be_hidden()
    gate = open_content_note(learner, ui, note)
    expect(gate.get_by_role("heading", name=ui["framing_heading"])).to_be_visible()
    expect(post_item(learner, member_post)).to_contain_text(member_words)

    # The learner replies.
    learner_words = f"In my family care was my grandmother's job {tag}."
    learner.get_by_label(ui["message"], exact=True).fill(learner_words)
    follow(learner, learner.get_by_role("button", name=ui["post_reply"]))
    learner_post = id_in_url(learner, r"#post-(\d+)$")
    open_content_note(learner, ui, note)
    expect(post_item(learner, learner_post)).to_contain_text(names["learner"])
    expect(post_item(learner, learner_post)).to_contain_text(learner_words)

    # ...and reports the other member's post.
    follow(learner, post_item(learner, member_post).get_by_role("link", name=ui["report"], exact=True))
    learner.get_by_label(ui["reason"], exact=True).select_option(label=ui["disrespectful"])
    learner.get_by_label(ui["note"], exact=True).fill("This mocks another member.")
    follow(learner, learner.get_by_role("button", name=ui["send_report"]))
    expect(flash(learner)).to_have_text(ui["reported"])

    # The facilitator hides the post from the review queue, with a reason; the audit log records it.
    visit(facilitator, f"/communities/{slug}/")
    follow(facilitator, main_link(facilitator, ui["queue"].format(n=1)))
    item = facilitator.locator(f"article#post-{member_post}")
    expect(item).to_contain_text(member_words)
    expect(item).to_contain_text(f"{ui['disrespectful']}: This mocks another member.")
    reason = f"Mockery breaks agreement 3 {tag}."
    item.get_by_label(ui["hide_reason"]).fill(reason)
    follow(facilitator, item.get_by_role("button", name=ui["hide"], exact=True))
    expect(flash(facilitator)).to_have_text(ui["done"])
    expect(facilitator.locator("main")).to_contain_text(ui["queue_empty"])
    follow(facilitator, main_link(facilitator, ui["audit_log"]))
    row = facilitator.locator("tbody tr").first
    for text in (names["facilitator"], ui["hid_a_post"], names["member"], reason):
        expect(row).to_contain_text(text)

    # The learner sees the outcome: an unread count in the header, then the notification itself.
    visit(learner, f"/communities/{slug}/")
    follow(learner, header(learner).get_by_role("link", name=ui["unread"].format(n=1), exact=True))
    expect(header(learner).get_by_role("link", name=ui["notifications"], exact=True)).to_be_visible()
    news = learner.locator("ul.notifications li").first
    expect(news.locator(".badge")).to_have_text(ui["new"])
    outcome = ui["outcome"].format(thread=thread_title)
    expect(news).to_contain_text(outcome)
    follow(learner, news.get_by_role("link", name=outcome))
    open_content_note(learner, ui, note)
    expect(post_item(learner, member_post)).to_contain_text(ui["hidden"])
    expect(post_item(learner, member_post)).not_to_contain_text(member_words)

    # From the footer, the learner files a confidential harassment report for the Africa region.
    follow(learner, footer_link(learner, ui["report_harassment"]))
    learner.get_by_label(ui["region"], exact=True).select_option(label=ui["africa"])
    learner.get_by_label(ui["where"], exact=True).select_option(label=ui["event"])
    learner.get_by_label(ui["find"], exact=True).fill(names["member"][:6])
    follow(learner, learner.locator("main").get_by_role("button", name=ui["search"], exact=True))
    learner.get_by_label(names["member"], exact=True).check()
    expect(learner.locator("#readers-note")).to_contain_text(ui["readers"])
    account = f"At the regional meeting he kept commenting on my body {tag}."
    learner.get_by_label(ui["what"], exact=True).fill(account)
    follow(learner, learner.get_by_role("button", name=ui["send_confidential"]))
    expect(flash(learner)).to_have_text(ui["filed"])
    report_id = id_in_url(learner, r"/reports/(\d+)$")
    expect(learner.locator("dl.facts")).to_contain_text(ui["received"])
    expect(learner.locator("dl.facts")).to_contain_text(ui["africa"])
    report_link = f'a[href="/reports/{report_id}"]'

    # The focal point of Africa is alerted and reads it from their inbox.
    focal = signed_in(live_server, new_context, ui, email["focal"])
    expect(header(focal).get_by_role("link", name=ui["unread"].format(n=1), exact=True)).to_be_visible()
    follow(focal, footer_link(focal, ui["my_reports"]))
    expect(focal.get_by_role("heading", name=ui["to_handle"])).to_be_visible()
    follow(focal, focal.locator(report_link))
    expect(focal.locator("main")).to_contain_text(account)
    expect(focal.locator("dl.facts")).to_contain_text(ui["reported_by"])
    expect(focal.locator("dl.facts")).to_contain_text(names["learner"])

    # The facilitator has no inbox, no trace of the report, and its page does not exist for them.
    follow(facilitator, footer_link(facilitator, ui["my_reports"]))
    expect(facilitator.get_by_role("heading", name=ui["reports_i_made"])).to_be_visible()
    expect(facilitator.get_by_role("heading", name=ui["to_handle"])).to_have_count(0)
    expect(facilitator.locator(report_link)).to_have_count(0)
    response = facilitator.goto(f"/reports/{report_id}")
    assert response is not None and response.status == 404
    expect(facilitator.locator("h1")).to_have_text(ui["not_found"])
    expect(facilitator.locator("main")).not_to_contain_text(account)
    check_a11y(facilitator)
