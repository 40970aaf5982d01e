"""Running a course with a group: cohorts' pacing, rosters, facilitators, invitations and shared reflections."""
