"""Elders looked after (包保): the registry, visits and their reminders, and the 防走失 QR finder flow."""
