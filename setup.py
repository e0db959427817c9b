"""scrapyd-deploy builds the egg that Scrapyd runs with ``python setup.py bdist_egg``; all metadata is in pyproject.toml."""

from setuptools import setup

setup()
