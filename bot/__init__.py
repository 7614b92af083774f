"""三长助手: the core of the bot, free of Telegram."""
