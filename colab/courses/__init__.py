"""Courses, modules, lessons and activities loaded from content files; enrolment and progress."""
