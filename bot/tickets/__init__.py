"""Requests (诉求) as tickets: who owns them, when they are due, what the reporter hears."""
