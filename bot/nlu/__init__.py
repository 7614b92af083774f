"""Understanding what people write in Chinese: intents, categories, places, deadlines."""
from bot.nlu.codes import CATEGORY_LABELS, INTENT_CODES, INTENT_LABELS
from bot.nlu.lexicon import Lexicon
from bot.nlu.parse import Parsed, parse

__all__ = ["CATEGORY_LABELS", "INTENT_CODES", "INTENT_LABELS", "Lexicon", "Parsed", "parse"]
