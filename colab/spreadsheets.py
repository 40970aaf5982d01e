"""CSV that people open in a spreadsheet: cells a display name or an uploaded row could turn into a formula."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard(cell):
    """A cell a spreadsheet shows as text, never runs as a formula: one starting with = + - @ (or a tab or a carriage
    return) gets an apostrophe."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
