"""/api/v1: A visit's itinerary, stop by stop, with attendees and optimistic locking."""

from planner.api.common import ApiBlueprint

blp = ApiBlueprint("Stops", __name__, description="A visit's itinerary, stop by stop, with attendees and optimistic locking.")
