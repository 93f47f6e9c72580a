"""/api/v1: The people of the directory: delegates, hosts, interpreters, staff."""

from planner.api.common import ApiBlueprint

blp = ApiBlueprint("People", __name__, description="The people of the directory: delegates, hosts, interpreters, staff.")
