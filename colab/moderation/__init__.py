"""Moderation of communities: reports of posts, the review queue, moderators' acts and the audit log."""
