"""``python -m bhg_crawler``: the same as ``bhg-crawl``."""

import sys

from bhg_crawler.app.cli import main

sys.exit(main())
