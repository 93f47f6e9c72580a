"""Programmes: the itinerary as people read it: day timelines, one participant's part, print."""
