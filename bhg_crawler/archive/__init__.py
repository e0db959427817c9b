"""Archives: WARC files of what a run fetched, WACZ packages, re-extraction, article images."""
