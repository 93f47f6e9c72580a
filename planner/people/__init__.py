"""People: delegates, hosts and support staff, independent of any one visit."""
