"""What every part of the crawler shares: errors, signals, the clock, atomic files, secret masking."""
