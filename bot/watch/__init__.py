"""Watching jobs: the poller, its leases, change detection and the notification outbox."""
