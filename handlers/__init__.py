"""Telegram adapters: turn updates into core calls and core results into messages."""
