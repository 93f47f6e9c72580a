"""Staff accounts: sign-in, roles and user management."""
