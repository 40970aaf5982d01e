"""The default community agreements, in each language; a community may adapt its own."""

DEFAULT_AGREEMENTS = {
    "en": """\
We come here to learn from each other. To keep this space safe enough for honest conversation:

1. **Speak from your own experience.** Say "I", not "men always" or "women never".
2. **Listen to understand,** not to win. Ask real questions before you answer.
3. **Disagree with ideas, not people.** No insults, mockery or labels.
4. **What is shared here stays here.** Do not copy, screenshot or repeat someone's words or identity outside this space.
5. **Pseudonyms are welcome.** Never try to find out who someone is, and never out anyone.
6. **Step up, step back.** If you write a lot, make room; if you rarely write, your voice is wanted.
7. **Centre the people most affected.** Our work with men and boys is accountable to women's rights and LGBTIQ+ movements.
8. **Name harm.** If something hurts, say so or report it. Harassment is never acceptable here or elsewhere, and can be reported in confidence.

Facilitators may hide posts, lock threads or mute members who break these agreements, and they record every such act.
""",
    "es": """\
Venimos a aprender unas personas de otras. Para que este sea un espacio lo bastante seguro para conversar con honestidad:

1. **Habla desde tu propia experiencia.** Di "yo", no "los hombres siempre" o "las mujeres nunca".
2. **Escucha para comprender,** no para ganar. Haz preguntas reales antes de responder.
3. **Discrepa de las ideas, no de las personas.** Nada de insultos, burlas ni etiquetas.
4. **Lo que se comparte aquí, aquí se queda.** No copies, captures ni repitas fuera de este espacio las palabras o la identidad de nadie.
5. **Los seudónimos son bienvenidos.** Nunca intentes averiguar quién es alguien y nunca expongas a nadie.
6. **Da un paso al frente, da un paso atrás.** Si escribes mucho, deja espacio; si escribes poco, tu voz hace falta.
7. **Pon en el centro a quienes más se ven afectadas y afectados.** Nuestro trabajo con hombres y niños rinde cuentas a los movimientos de derechos de las mujeres y LGBTIQ+.
8. **Nombra el daño.** Si algo duele, dilo o repórtalo. El acoso nunca es aceptable, ni aquí ni fuera de aquí, y puede denunciarse de forma confidencial.

Las personas facilitadoras pueden ocultar publicaciones, cerrar hilos o silenciar a quienes incumplan estos acuerdos, y dejan registro de cada una de esas acciones.
""",
    "fr": """\
Nous sommes ici pour apprendre de chacune et de chacun. Pour que cet espace reste assez sûr pour des échanges sincères :

1. **Parlez à partir de votre propre expérience.** Dites « je », plutôt que « les hommes font toujours… » ou « les femmes ne font jamais… ».
2. **Écoutez pour comprendre,** pas pour avoir raison. Posez de vraies questions avant de répondre.
3. **Exprimez vos désaccords sur les idées, jamais sur les personnes.** Ni insultes, ni moqueries, ni étiquettes.
4. **Ce qui se dit ici reste ici.** Ne copiez pas, ne faites pas de capture d'écran et ne rapportez pas hors de cet espace les propos ou l'identité de qui que ce soit.
5. **Les pseudonymes sont les bienvenus.** Ne cherchez jamais à savoir qui se cache derrière un pseudonyme, et ne révélez jamais l'identité, l'orientation sexuelle ou l'identité de genre de quiconque.
6. **Prenez la parole, laissez la parole.** Si vous écrivez beaucoup, faites de la place aux autres ; si vous écrivez rarement, nous avons besoin de votre voix.
7. **Mettez au centre les personnes les plus concernées.** Notre travail avec les hommes et les garçons rend des comptes aux mouvements pour les droits des femmes et aux mouvements LGBTIQ+.
8. **Nommez ce qui fait du tort.** Si quelque chose vous blesse, dites-le ou signalez-le. Le harcèlement n'est jamais acceptable, ici comme ailleurs, et peut être signalé en toute confidentialité.

L'équipe d'animation peut masquer des messages, verrouiller des fils de discussion ou mettre en sourdine les membres qui ne respectent pas ces accords ; elle consigne chacune de ces actions.
""",
}
