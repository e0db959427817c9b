"""Monitoring: the monitors that judge a run, notifications of a failed one, and the heartbeat."""
