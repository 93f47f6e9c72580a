"""/api/v1: Places stops happen: opening hours, closed dates, drive times between them."""

from planner.api.common import ApiBlueprint

blp = ApiBlueprint("Venues", __name__, description="Places stops happen: opening hours, closed dates, drive times between them.")
