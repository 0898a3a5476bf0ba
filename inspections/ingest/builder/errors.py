class BuildError(Exception):
    """The sources cannot be turned into fixtures; the message says where and why."""
