"""Talking with people: group and private messages, grid groups, accounts, menus."""
