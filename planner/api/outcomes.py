"""/api/v1: What a visit produced: agreements, leads, needs, documents."""

from planner.api.common import ApiBlueprint

blp = ApiBlueprint("Outcomes", __name__, description="What a visit produced: agreements, leads, needs, documents.")
