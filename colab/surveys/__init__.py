"""Surveys defined as content files (pre-course, post-course, end of module) and learners' answers."""
