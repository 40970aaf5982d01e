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
}
