"""Getting messages in and out reliably: update intake, the outbox sender, Telegram's limits, timed jobs."""
