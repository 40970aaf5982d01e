"""Demo library for `make run`: the home pages of organisations working on the alliance's issues (never a deep
link that could break), a one-page PDF made here so the download can be tried, and a suggestion waiting for a
focal point. seed() is idempotent: resources are keyed by slug."""
from datetime import timedelta

from ..accounts import service as accounts
from ..accounts.models import Region
from ..extensions import db
from ..markup import render
from ..models_base import utcnow
from ..topics import Topic
from . import files, service
from .models import Resource, ResourceKind, ResourceLanguage, ResourceStatus, ResourceTopic

ADMIN, LEARNER = "admin@colab.example", "aprendiz@colab.example"  # colab/demo.py's secretariat and learner

# slug, url, kind, region slug (None: global), topics, languages, {locale: (title, summary)}
LINKS = [
    ("menengage-alliance", "https://menengage.org/", ResourceKind.TOOLKIT, None,
     ("womens-rights", "ending-violence", "youth-activism"), ("en", "es", "fr"),
     {"en": ("MenEngage Alliance",
             "The alliance's own site: its members and regional networks, its positions, and the toolkits and "
             "trainings members use to work with men and boys for gender justice."),
      "es": ("Alianza MenEngage",
             "El sitio de la propia alianza: sus miembros y redes regionales, sus posicionamientos y las "
             "herramientas y formaciones que usan las organizaciones para trabajar con hombres y niños por la "
             "justicia de género."),
      "fr": ("Alliance MenEngage",
             "Le site de l'alliance elle-même : ses membres et ses réseaux régionaux, ses prises de position, ainsi "
             "que les outils et les formations qu'utilisent ses membres pour travailler avec les hommes et les "
             "garçons en faveur de la justice de genre.")}),
    ("equimundo", "https://www.equimundo.org/", ResourceKind.RESEARCH, None,
     ("unpaid-care", "ending-violence", "economic-justice"), ("en", "es", "pt"),
     {"en": ("Equimundo: Center for Masculinities and Social Justice",
             "Research and programmes on fatherhood, care work and men's violence, including the *State of the "
             "World's Fathers* reports. Useful for sessions on care and on what keeps violence going."),
      "es": ("Equimundo: Centro de Masculinidades y Justicia Social",
             "Investigaciones y programas sobre paternidades, trabajo de cuidados y violencia de los hombres, como "
             "los informes *Estado de las Paternidades en el Mundo*. Útil para sesiones sobre cuidados y sobre lo "
             "que sostiene la violencia."),
      "fr": ("Equimundo : Center for Masculinities and Social Justice",
             "Recherches et programmes sur la paternité, le travail de soins et les violences commises par les "
             "hommes, dont les rapports *State of the World's Fathers*. Utile pour préparer des séances sur le soin "
             "et sur ce qui entretient la violence.")}),
    ("un-women", "https://www.unwomen.org/", ResourceKind.POLICY_BRIEF, None,
     ("womens-rights", "economic-justice", "ending-violence"), ("en", "es", "fr", "ar"),
     {"en": ("UN Women",
             "The United Nations entity for gender equality: data, policy briefs and country pages on women's "
             "rights, economic empowerment and ending violence against women."),
      "es": ("ONU Mujeres",
             "La entidad de las Naciones Unidas para la igualdad de género: datos, notas de política y páginas por "
             "país sobre los derechos de las mujeres, su autonomía económica y el fin de la violencia contra "
             "ellas."),
      "fr": ("ONU Femmes",
             "L'entité des Nations Unies consacrée à l'égalité des sexes : données, notes d'orientation et pages "
             "par pays sur les droits des femmes, leur autonomisation économique et l'élimination de la violence à "
             "l'égard des femmes.")}),
    ("world-health-organization", "https://www.who.int/", ResourceKind.RESEARCH, None,
     ("srhr", "ending-violence"), ("en", "es", "fr", "ar", "ru", "zh"),
     {"en": ("World Health Organization",
             "Fact sheets and guidelines on sexual and reproductive health and on violence against women as a "
             "public-health problem, with global and regional figures."),
      "es": ("Organización Mundial de la Salud",
             "Notas descriptivas y directrices sobre salud sexual y reproductiva y sobre la violencia contra las "
             "mujeres como problema de salud pública, con cifras mundiales y regionales."),
      "fr": ("Organisation mondiale de la Santé",
             "Fiches d'information et lignes directrices sur la santé sexuelle et reproductive, et sur la violence "
             "à l'égard des femmes en tant que problème de santé publique, avec des chiffres mondiaux et "
             "régionaux.")}),
    ("sonke-gender-justice", "https://genderjustice.org.za/", ResourceKind.CURRICULUM, "africa",
     ("ending-violence", "srhr", "youth-activism"), ("en",),
     {"en": ("Sonke Gender Justice",
             "A South African organisation working with men and boys on HIV, violence and gender justice; its "
             "community mobilisation and workshop materials travel well to other African settings."),
      "es": ("Sonke Gender Justice",
             "Organización sudafricana que trabaja con hombres y niños sobre VIH, violencia y justicia de género; "
             "sus materiales de movilización comunitaria y de talleres se adaptan bien a otros contextos "
             "africanos."),
      "fr": ("Sonke Gender Justice",
             "Organisation sud-africaine qui travaille avec les hommes et les garçons sur le VIH, les violences et "
             "la justice de genre ; ses supports de mobilisation communautaire et d'ateliers se prêtent bien à "
             "d'autres contextes africains.")}),
    ("ilga-world", "https://ilga.org/", ResourceKind.RESEARCH, None,
     ("lgbtqia-rights",), ("en", "es", "fr"),
     {"en": ("ILGA World",
             "The worldwide federation of LGBTI organisations. Its research maps the laws on sexual orientation, "
             "gender identity and expression, and sex characteristics country by country."),
      "es": ("ILGA Mundo",
             "La federación mundial de organizaciones LGBTI. Sus investigaciones recogen, país por país, las leyes "
             "sobre orientación sexual, identidad y expresión de género y características sexuales."),
      "fr": ("ILGA Monde",
             "La fédération mondiale des organisations LGBTI. Ses recherches recensent, pays par pays, les lois "
             "relatives à l'orientation sexuelle, à l'identité et à l'expression de genre, et aux caractéristiques "
             "sexuelles.")}),
    ("wilpf", "https://www.wilpf.org/", ResourceKind.POLICY_BRIEF, None,
     ("feminist-peace", "anti-racism"), ("en", "es"),
     {"en": ("Women's International League for Peace and Freedom",
             "More than a century of feminist peace work: analysis of militarism and arms, and of how militarised "
             "masculinities stand in the way of peace."),
      "es": ("Liga Internacional de Mujeres por la Paz y la Libertad",
             "Más de un siglo de trabajo feminista por la paz: análisis del militarismo y de las armas, y de cómo "
             "las masculinidades militarizadas se interponen en el camino de la paz."),
      "fr": ("Ligue internationale des femmes pour la paix et la liberté",
             "Plus d'un siècle de travail féministe pour la paix : analyses du militarisme et des armes, et de la "
             "façon dont les masculinités militarisées font obstacle à la paix.")}),
    ("oxfam-care", "https://www.oxfam.org/", ResourceKind.ARTICLE, None,
     ("unpaid-care", "economic-justice", "climate-justice"), ("en", "es", "fr"),
     {"en": ("Oxfam International",
             "Reports and campaigns on inequality, unpaid care work and the climate crisis, and on who carries "
             "their weight."),
      "es": ("Oxfam Internacional",
             "Informes y campañas sobre la desigualdad, el trabajo de cuidados no remunerado y la crisis climática, "
             "y sobre quiénes cargan con su peso."),
      "fr": ("Oxfam International",
             "Rapports et campagnes sur les inégalités, le travail de soins non rémunéré et la crise climatique, et "
             "sur les personnes qui en portent le poids.")}),
    ("awid", "https://www.awid.org/", ResourceKind.ARTICLE, None,
     ("womens-rights", "decolonisation", "economic-justice"), ("en", "es", "fr"),
     {"en": ("AWID: Association for Women's Rights in Development",
             "A global feminist membership organisation: analysis of feminist movements and their funding, and of "
             "decolonial and economic-justice agendas."),
      "es": ("AWID: Asociación para los Derechos de la Mujer y el Desarrollo",
             "Organización feminista global de membresía: análisis sobre los movimientos feministas y su "
             "financiamiento, y sobre agendas decoloniales y de justicia económica."),
      "fr": ("AWID : Association pour les droits de la femme et le développement",
             "Organisation féministe mondiale, ouverte à l'adhésion : analyses des mouvements féministes et de leur "
             "financement, ainsi que des priorités décoloniales et de justice économique.")}),
    ("arrow", "https://arrow.org.my/", ResourceKind.RESEARCH, "asia",
     ("srhr", "youth-activism"), ("en",),
     {"en": ("ARROW: Asian-Pacific Resource and Research Centre for Women",
             "A regional centre in Kuala Lumpur on sexual and reproductive health and rights in Asia and the "
             "Pacific, with country monitoring and work with young people."),
      "es": ("ARROW: Centro Asia-Pacífico de Recursos e Investigación para las Mujeres",
             "Centro regional con sede en Kuala Lumpur sobre salud y derechos sexuales y reproductivos en Asia y "
             "el Pacífico, con seguimiento por país y trabajo con jóvenes."),
      "fr": ("ARROW : Asian-Pacific Resource and Research Centre for Women",
             "Centre régional basé à Kuala Lumpur, consacré à la santé et aux droits sexuels et reproductifs en Asie "
             "et dans le Pacifique, avec un suivi par pays et un travail auprès des jeunes.")}),
]

LISTENING_CIRCLE = {
    "en": ("A listening circle in five steps",
           "A one-page guide to print for a first session with a group of men: five steps, from agreeing the "
           "ground rules to a closing commitment. In English, Spanish and French."),
    "es": ("Un círculo de escucha en cinco pasos",
           "Una guía de una página para imprimir antes de una primera sesión con un grupo de hombres: cinco "
           "pasos, desde acordar las reglas hasta un compromiso de cierre. En inglés, español y francés."),
    "fr": ("Un cercle d'écoute en cinq étapes",
           "Un guide d'une page à imprimer pour une première séance avec un groupe d'hommes : cinq étapes, de "
           "la définition des règles de base jusqu'à un engagement de clôture. En anglais, en espagnol et en "
           "français."),
}
PDF_LINES = [
    ("title", "A listening circle in five steps"),
    ("", "1. Agree the ground rules together: confidentiality, one voice at a time,"),
    ("", "   and the right to pass."),
    ("", "2. Open with a question, not a lecture: \"When did you last feel heard?\""),
    ("", "3. Listen to understand: no replies while someone speaks; count to five"),
    ("", "   before the next voice."),
    ("", "4. Name the power in the room: who speaks most? Who has not spoken yet?"),
    ("", "5. Close with one commitment each, and ask about it next time."),
    ("", ""),
    ("title", "Un círculo de escucha en cinco pasos"),
    ("", "1. Acuerden juntos las reglas: confidencialidad, una voz a la vez"),
    ("", "   y el derecho a pasar."),
    ("", "2. Abran con una pregunta, no con una charla: «¿Cuándo te sentiste escuchado"),
    ("", "   por última vez?»"),
    ("", "3. Escuchen para comprender: nadie responde mientras otra persona habla;"),
    ("", "   cuenten hasta cinco antes de la siguiente voz."),
    ("", "4. Nombren el poder en la sala: ¿quién habla más?, ¿quién no ha hablado aún?"),
    ("", "5. Cierren con un compromiso por persona y retómenlo en el próximo encuentro."),
    ("", ""),
    ("title", "Un cercle d'écoute en cinq étapes"),
    ("", "1. Fixez ensemble les règles de base : confidentialité, une seule voix à la fois"),
    ("", "   et le droit de passer son tour."),
    ("", "2. Ouvrez par une question, pas par un exposé : « Quand avez-vous senti pour la"),
    ("", "   dernière fois qu'on vous écoutait ? »"),
    ("", "3. Écoutez pour comprendre : personne ne répond pendant que quelqu'un parle ;"),
    ("", "   comptez jusqu'à cinq avant la prise de parole suivante."),
    ("", "4. Nommez le pouvoir dans la salle : qui parle le plus ?"),
    ("", "   Qui n'a pas encore parlé ?"),
    ("", "5. Concluez par un engagement de chaque personne,"),
    ("", "   et revenez-y à la séance suivante."),
]

PENDING = ("cepal-cuidados", "https://www.cepal.org/", ResourceKind.RESEARCH, "latin-america",
           ("unpaid-care", "economic-justice"), ("es", "en", "pt"),
           {"es": ("CEPAL: la economía del cuidado en América Latina",
                   "La Comisión Económica para América Latina y el Caribe publica estudios y datos sobre el trabajo "
                   "de cuidados no remunerado en la región. Me sirvió para preparar una sesión sobre quién cuida "
                   "en nuestras casas.")})


def _pdf_text(text):
    """A PDF string literal in WinAnsi (cp1252) bytes, with its special characters escaped."""
    return b"(" + text.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def tiny_pdf(lines):
    """A valid one-page A4 PDF of lines [(style, text)] (style "title" is bold and larger), built by hand."""
    content = [b"BT", b"72 770 Td"]
    for style, text in lines:
        content += [b"/F1 15 Tf" if style == "title" else b"/F2 11 Tf", _pdf_text(text) + b" Tj", b"0 -20 Td"]
    content.append(b"ET")
    stream = b"\n".join(content)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> "
        b"/Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _resource(slug, url, kind, region, topics, languages, texts, status, regions):
    resource = Resource(slug=slug, url=url, kind=kind, status=status, region_id=regions.get(region),
                        title={locale: title for locale, (title, _summary) in texts.items()},
                        summary_source={locale: summary for locale, (_title, summary) in texts.items()},
                        summary_html={locale: render(summary) for locale, (_title, summary) in texts.items()},
                        topics=[ResourceTopic(topic=Topic(topic)) for topic in topics],
                        languages=[ResourceLanguage(locale=code) for code in languages])
    db.session.add(resource)
    return resource


def seed():
    """Add the demo library's resources that are missing (and the PDF's file if it is gone); return how many
    resources were added."""
    regions = {region.slug: region.id for region in db.session.scalars(db.select(Region))}
    have = {resource.slug: resource for resource in db.session.scalars(db.select(Resource))}
    admin, learner = accounts.find_by_email(ADMIN), accounts.find_by_email(LEARNER)
    now, added = utcnow(), 0
    for days, (slug, url, kind, region, topics, languages, texts) in enumerate(LINKS, 2):
        if slug not in have:
            resource = _resource(slug, url, kind, region, topics, languages, texts, ResourceStatus.PUBLISHED,
                                 regions)
            resource.published_at = resource.created_at = resource.updated_at = now - timedelta(days=3 * days)
            resource.reviewed_by_id = admin.id if admin else None
            added += 1
    circle = have.get("listening-circle-five-steps")
    if circle is None:
        circle = _resource("listening-circle-five-steps", "", ResourceKind.GUIDE, None,
                           ("ending-violence", "youth-activism"), ("en", "es", "fr"), LISTENING_CIRCLE,
                           ResourceStatus.PUBLISHED, regions)
        circle.published_at = now - timedelta(days=1)
        circle.reviewed_by_id = admin.id if admin else None
        added += 1
    if service.file_path(circle) is None:
        data = tiny_pdf(PDF_LINES)
        circle.stored_name = files.store(service.library_folder(), data, files.FORMATS["pdf"])
        circle.file_name, circle.content_type = "listening-circle.pdf", files.FORMATS["pdf"].content_type
        circle.file_size = len(data)
    if PENDING[0] not in have and learner is not None:
        pending = _resource(*PENDING, ResourceStatus.SUGGESTED, regions)
        pending.suggested_by_id = learner.id
        added += 1
    db.session.flush()
    return added
