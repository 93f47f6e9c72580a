"""The itinerary: the stops of a visit, day by day."""
