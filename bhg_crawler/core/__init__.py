"""What every part of the crawler shares: errors, signals, request kinds, the clock, atomic files, secret masking,
the User-Agent, the base of the Scrapy components."""
