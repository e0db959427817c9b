"""Errors the project reports to its users by name."""


class ConfigError(ValueError):
    """A bad argument or setting: reported in one line, exit code 2."""
