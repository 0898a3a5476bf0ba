"""What the explorer's trigger sets (search index, tagging queue, theme bits, facet token)
share: reading which triggers exist, to put back any a migration lost."""


def present(connection) -> set[str]:
    """The names of the user-made triggers in the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}
