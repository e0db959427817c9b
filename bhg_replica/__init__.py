"""An offline replica of baohagiang.vn: every test, demo and benchmark crawls it."""
