"""``python -m bhg_replica``: the replica's commands (see ``bhg_replica.cli``)."""

import sys

from bhg_replica.cli import main

sys.exit(main())
