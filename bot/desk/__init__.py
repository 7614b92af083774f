"""The office's web desk, as the core sees it: login links, what a list is filtered by, scope."""
