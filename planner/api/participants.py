"""/api/v1: Who takes part in a visit, on which side, in which role; their calendar feed."""

from planner.api.common import ApiBlueprint

blp = ApiBlueprint("Participants", __name__, description="Who takes part in a visit, on which side, in which role; their calendar feed.")
