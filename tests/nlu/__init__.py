"""Tests of bot.nlu: the labelled corpus, unit tests of each rule, and the parse command."""
