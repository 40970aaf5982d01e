"""Facilitator framing for the alliance's four dialogue topics, used by the demo data."""

DIALOGUES = {
    "en": [
        {
            "title": "Sex work and prostitution: listening across a deep disagreement",
            "content_note": "discusses trafficking, sexual exploitation and violence against people who sell sex",
            "framing": """\
Feminist movements, and our own alliance, hold different positions on sex work and prostitution.
Some members work for decriminalisation and the labour rights of people who sell sex; others
work for the abolition of prostitution and support for people leaving it. Both positions are
held by people who care about the safety and dignity of women and gender-diverse people.

**This dialogue is not a vote.** We will not settle the question here. We want to understand
what each position protects, and whose voices our own work centres.

Please read the *Our four dialogues* lesson of the Respectful dialogues guide first.

**Opening question:** whose experience shaped your view on this, and whose experience do you
know least about?""",
            "first_post": "Thank you for joining. Please start by telling us which country you work in and what brought you to this dialogue.",
        },
        {
            "title": "International Men's Day: an opportunity or a risk?",
            "content_note": "",
            "framing": """\
Every 19 November, some organisations mark International Men's Day. Many in the alliance are
wary of it: it is often taken up by "men's rights" voices that oppose feminism, or set up as a
rival to days that mark women's struggles. Others use it to talk about men's health, care and
violence prevention in ways that are accountable to women's rights organisations.

**Opening question:** if your organisation marked the day, what would make it accountable —
and what would make it harmful?""",
            "first_post": "",
        },
        {
            "title": "\"Real men\" and \"male champions\": when engagement reinforces stereotypes",
            "content_note": "",
            "framing": """\
Campaigns that tell men that "real men don't hit" or that celebrate "male champions" for gender
equality can reach men who would not otherwise listen. They can also reinforce the idea that men
are protectors and heroes, reward men for the minimum, and take space and funding from women's
organisations.

**Opening question:** think of a campaign you know well. What did it ask men to become, and who
decided?""",
            "first_post": "",
        },
        {
            "title": "Anti-racism and decolonising our practice",
            "content_note": "discusses racism and colonial violence",
            "framing": """\
Work with men and boys has often been designed in the Global North and exported elsewhere, with
funding, language and "best practice" flowing in one direction. Racism shapes whose knowledge
counts inside our networks too.

This dialogue asks what decolonising our practice means in concrete terms: who sets agendas,
whose languages we work in, how resources are shared.

**Opening question:** where in your own organising have you seen power flow in one direction,
and what would change it?""",
            "first_post": "",
        },
    ],
    "es": [
        {
            "title": "Trabajo sexual y prostitución: escucharnos en un desacuerdo profundo",
            "content_note": "habla de trata, explotación sexual y violencia contra personas que venden sexo",
            "framing": """\
Los movimientos feministas, y nuestra propia alianza, sostienen posiciones distintas sobre el
trabajo sexual y la prostitución. Hay quienes trabajan por la despenalización y los derechos
laborales de las personas que venden sexo, y quienes trabajan por la abolición de la prostitución
y el apoyo a quienes quieren salir de ella. Ambas posiciones las sostienen personas comprometidas
con la seguridad y la dignidad de las mujeres y de las personas de género diverso.

**Este diálogo no es una votación.** No vamos a zanjar la pregunta aquí. Queremos entender qué
protege cada posición y qué voces pone en el centro nuestro propio trabajo.

Antes de participar, lee la lección *Nuestros cuatro diálogos* de la guía de diálogos respetuosos.

**Pregunta de apertura:** ¿qué experiencias formaron tu mirada sobre este tema, y de qué
experiencias sabes menos?""",
            "first_post": "Gracias por sumarte. Empecemos contando en qué país trabajas y qué te trae a este diálogo.",
        },
        {
            "title": "Día Internacional del Hombre: ¿oportunidad o riesgo?",
            "content_note": "",
            "framing": """\
Cada 19 de noviembre, algunas organizaciones conmemoran el Día Internacional del Hombre. Muchas
personas de la alianza lo miran con cautela: a menudo lo toman voces de "derechos de los hombres"
que se oponen al feminismo, o se plantea como competencia de las fechas que recuerdan las luchas
de las mujeres. Otras lo usan para hablar de salud, cuidados y prevención de la violencia,
rindiendo cuentas a las organizaciones de derechos de las mujeres.

**Pregunta de apertura:** si tu organización conmemorara ese día, ¿qué lo haría responsable y
qué lo haría dañino?""",
            "first_post": "",
        },
        {
            "title": "\"Hombres de verdad\" y \"hombres campeones\": cuando el trabajo refuerza estereotipos",
            "content_note": "",
            "framing": """\
Las campañas que dicen que "los hombres de verdad no golpean" o que celebran a "hombres
campeones" de la igualdad pueden llegar a hombres que de otro modo no escucharían. Pero también
pueden reforzar la idea del hombre protector y héroe, premiar a los hombres por lo mínimo y
quitarles espacio y recursos a las organizaciones de mujeres.

**Pregunta de apertura:** piensa en una campaña que conozcas bien. ¿En qué les pedía convertirse
a los hombres, y quién lo decidió?""",
            "first_post": "",
        },
        {
            "title": "Antirracismo y descolonización de nuestra práctica",
            "content_note": "habla de racismo y violencia colonial",
            "framing": """\
El trabajo con hombres y niños muchas veces se ha diseñado en el Norte global y se ha exportado
al resto del mundo, con el financiamiento, el idioma y las "buenas prácticas" fluyendo en una
sola dirección. El racismo también define qué saberes cuentan dentro de nuestras redes.

Este diálogo pregunta qué significa, en concreto, descolonizar nuestra práctica: quién define
las agendas, en qué idiomas trabajamos, cómo se reparten los recursos.

**Pregunta de apertura:** ¿dónde has visto, en tu propio trabajo organizativo, que el poder
fluye en una sola dirección, y qué lo cambiaría?""",
            "first_post": "",
        },
    ],
    "fr": [
        {
            "title": "Travail du sexe et prostitution : s'écouter par-delà un désaccord profond",
            "content_note": "aborde la traite, l'exploitation sexuelle et les violences contre les personnes qui vendent des services sexuels",
            "framing": """\
Les mouvements féministes, comme notre propre alliance, défendent des positions différentes sur
le travail du sexe et la prostitution. Certains membres œuvrent pour la dépénalisation et pour
les droits des personnes qui vendent des services sexuels en tant que travailleuses et
travailleurs ; d'autres œuvrent pour l'abolition de la prostitution et pour le soutien aux
personnes qui en sortent. Ces deux positions sont portées par des personnes attachées à la
sécurité et à la dignité des femmes et des personnes aux identités de genre diverses.

**Ce dialogue n'est pas un vote.** Nous ne trancherons pas la question ici. Nous voulons
comprendre ce que chaque position protège, et quelles voix notre propre travail place au centre.

Merci de lire d'abord la leçon *Nos quatre dialogues* du guide sur les dialogues respectueux.

**Question d'ouverture :** l'expérience de quelles personnes a façonné votre regard sur cette
question, et de quelles personnes connaissez-vous le moins l'expérience ?""",
            "first_post": "Merci de nous rejoindre. Pour commencer, dites-nous dans quel pays vous travaillez et ce qui vous amène à ce dialogue.",
        },
        {
            "title": "Journée internationale des hommes : une occasion ou un risque ?",
            "content_note": "",
            "framing": """\
Chaque 19 novembre, certaines organisations marquent la Journée internationale des hommes.
Beaucoup de membres de l'alliance s'en méfient : elle est souvent récupérée par des mouvements
« de défense des droits des hommes » opposés au féminisme, ou présentée comme la rivale des
journées consacrées aux luttes des femmes. D'autres s'en saisissent pour parler de la santé des
hommes, du soin aux autres et de la prévention des violences, en rendant des comptes aux
organisations de défense des droits des femmes.

**Question d'ouverture :** si votre organisation marquait cette journée, qu'est-ce qui en ferait
une démarche redevable — et qu'est-ce qui la rendrait nuisible ?""",
            "first_post": "",
        },
        {
            "title": "« Vrais hommes » et « champions » masculins : quand l'engagement renforce les stéréotypes",
            "content_note": "",
            "framing": """\
Les campagnes qui disent aux hommes que « les vrais hommes ne frappent pas », ou qui célèbrent
des « champions » masculins de l'égalité, peuvent toucher des hommes qui, autrement,
n'écouteraient pas. Elles peuvent aussi renforcer l'idée que les hommes sont des protecteurs et
des héros, récompenser les hommes pour le strict minimum, et prendre aux organisations de femmes
de la place et des financements.

**Question d'ouverture :** pensez à une campagne que vous connaissez bien. Que demandait-elle aux
hommes de devenir, et qui en a décidé ?""",
            "first_post": "",
        },
        {
            "title": "Antiracisme et décolonisation de nos pratiques",
            "content_note": "aborde le racisme et la violence coloniale",
            "framing": """\
Le travail avec les hommes et les garçons a souvent été conçu dans le Nord global, puis exporté
ailleurs, avec des financements, une langue et des « bonnes pratiques » qui circulent dans un
seul sens. Au sein de nos réseaux aussi, le racisme détermine quels savoirs comptent.

Ce dialogue demande ce que signifie, concrètement, décoloniser nos pratiques : qui définit
les priorités, dans quelles langues nous travaillons, comment les ressources sont partagées.

**Question d'ouverture :** dans votre propre engagement militant, où avez-vous vu le pouvoir
circuler dans un seul sens, et qu'est-ce qui pourrait changer cela ?""",
            "first_post": "",
        },
    ],
}
