"""The command line and what it runs: a crawl in this process, the demos."""
