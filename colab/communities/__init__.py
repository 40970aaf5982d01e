"""Regions' communities, memberships, cohorts, threads, posts, moderation and confidential reports."""
