"""scrapyd-deploy builds the egg that Scrapyd runs with ``python setup.py bdist_egg``; the metadata is in
pyproject.toml. The egg holds what Scrapyd runs, the crawler's components and their data: not the command line
and demos (``bhg_crawler.app``), nor the offline replica (``bhg_replica``) that they, the tests and the
benchmarks use."""

from setuptools import setup
from setuptools.command.bdist_egg import bdist_egg


def crawler_only(name: str) -> bool:
    """Whether a package goes in the egg: bhg_crawler's, but its command line."""
    in_crawler = name == "bhg_crawler" or name.startswith("bhg_crawler.")
    return in_crawler and not (name == "bhg_crawler.app" or name.startswith("bhg_crawler.app."))


class CrawlerEgg(bdist_egg):
    """``bdist_egg`` of the crawler's components only (``crawler_only``)."""

    def finalize_options(self) -> None:
        dist = self.distribution
        dist.packages = [name for name in dist.packages or [] if crawler_only(name)]
        dist.package_data = {name: files for name, files in (dist.package_data or {}).items() if crawler_only(name)}
        super().finalize_options()


setup(cmdclass={"bdist_egg": CrawlerEgg})
