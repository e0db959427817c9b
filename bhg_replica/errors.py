"""The replica's one error: a bad size, day, template or fault profile."""


class ReplicaError(ValueError):
    """A replica that cannot be built as asked: reported in one line (exit code 2 on the command line)."""
