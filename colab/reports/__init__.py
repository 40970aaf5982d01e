"""The course team's report: per course, module and lesson, with small groups never shown."""
