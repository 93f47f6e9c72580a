"""Organizations: offices, chambers, companies, embassies, institutions."""
