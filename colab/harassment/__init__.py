"""Confidential harassment reports, read only by the reporter, the region's focal points and admins."""
