"""The state across runs: what committed runs know (SQLite or Redis), this run's work, the runs, the run lock."""
