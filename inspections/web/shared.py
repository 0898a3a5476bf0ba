"""Pages that show every visitor the same, but the header."""


class SameForEveryone:
    """Mixed into a view whose page shows every visitor, signed in or not, the same but the
    header (which config/page_cache.py keys and fills in): the page cache then serves it to
    the signed-in too. Never for a page with a user's own controls or data, such as the
    tracker's."""

    same_for_everyone = True
