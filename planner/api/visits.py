"""/api/v1: Visits: a delegation's stay, its dates, time zone and organizations."""

from planner.api.common import ApiBlueprint

blp = ApiBlueprint("Visits", __name__, description="Visits: a delegation's stay, its dates, time zone and organizations.")
