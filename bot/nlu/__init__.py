"""Understanding what people write in Chinese: intents, categories, places, deadlines."""
