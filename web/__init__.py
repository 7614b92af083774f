"""The bot's own web server: Telegram's webhook, health and metrics for the operator."""
