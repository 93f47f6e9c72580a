"""Calendars: .ics exports, subscription feeds per participant and per staff user, iTIP e-mail."""
