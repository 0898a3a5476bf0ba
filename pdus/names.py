"""Bodies by the names documents call them: 'Lewisham & Bromley', 'HMPPS', 'London region'."""


def normalise_name(name: str) -> str:
    """Names as documents print them, reduced so that spelling variants compare equal."""
    name = name.replace("&", " and ").replace("’", "'")
    return " ".join(name.casefold().split())


class BodyNames:
    """Maps every known name of a body to the body's slug."""

    def __init__(self):
        self._slugs: dict[str, str] = {}

    def add(self, slug: str, *names: str):
        for name in names:
            if not name:
                continue
            key = normalise_name(name)
            if self._slugs.setdefault(key, slug) != slug:
                raise ValueError(f"The name {name!r} is given to two bodies.")

    def find(self, name: str) -> str | None:
        """The slug of the body called `name`, with or without a leading 'The'."""
        key = normalise_name(name or "")
        return self._slugs.get(key) or self._slugs.get(key.removeprefix("the "))
