"""Benchmarks of bhg-crawler: each figure a ratio against a peer measured side by side in the same run."""
