"""Input changes mark the indicator results they feed as stale and queue a recomputation."""
