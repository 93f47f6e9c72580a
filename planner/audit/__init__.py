"""The audit trail (who changed which record, and how) and the security events."""
