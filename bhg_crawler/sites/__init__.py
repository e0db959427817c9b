"""Site profiles: what the crawler knows of each site, and the URL rules that follow from it."""
