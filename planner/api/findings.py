"""/api/v1: What the checker finds wrong with a visit's itinerary."""

from planner.api.common import ApiBlueprint

blp = ApiBlueprint("Findings", __name__, description="What the checker finds wrong with a visit's itinerary.")
