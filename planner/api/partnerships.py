"""/api/v1: Sister cities, trade, culture, mining: relations carried across visits."""

from planner.api.common import ApiBlueprint

blp = ApiBlueprint("Partnerships", __name__, description="Sister cities, trade, culture, mining: relations carried across visits.")
