"""The domain as plain values: people, places, roles, what came in, what goes out, tickets, tasks, elders."""
