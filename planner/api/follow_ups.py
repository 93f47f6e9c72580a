"""/api/v1: What someone must do after a visit, by when."""

from planner.api.common import ApiBlueprint

blp = ApiBlueprint("Follow-ups", __name__, description="What someone must do after a visit, by when.")
