"""Runs: their files and exports, their outcome and exit code, the figures kept for later runs."""
