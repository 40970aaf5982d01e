"""Certificates of completion: the learner's printable page, public verification by code, revocation."""
