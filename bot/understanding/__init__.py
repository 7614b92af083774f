"""The parser's machine side: the large-model call and its daily cap, learning from corrections, training."""
