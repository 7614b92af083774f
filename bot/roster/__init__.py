"""The community roster: the places and people a deployment knows, read from and written to spreadsheets."""
