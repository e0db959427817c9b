"""scrapyd-deploy builds the egg that Scrapyd runs with ``python setup.py bdist_egg``; the metadata is in
pyproject.toml. The egg holds the crawler alone: the offline replica (``bhg_replica``) serves the demos, tests
and benchmarks, never a deployed crawl."""

from setuptools import setup
from setuptools.command.bdist_egg import bdist_egg


def crawler_only(name: str) -> bool:
    return name == "bhg_crawler" or name.startswith("bhg_crawler.")


class CrawlerEgg(bdist_egg):
    """``bdist_egg`` of the crawler's packages only."""

    def finalize_options(self) -> None:
        dist = self.distribution
        dist.packages = [name for name in dist.packages or [] if crawler_only(name)]
        dist.package_data = {name: files for name, files in (dist.package_data or {}).items() if crawler_only(name)}
        super().finalize_options()


setup(cmdclass={"bdist_egg": CrawlerEgg})
