"""Running the bot: health checks, metrics, logs, what an administrator asks about the bot itself."""
