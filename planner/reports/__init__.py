"""Reports: the dashboard of what visits produced, and a visit's report as a page, CSV and Excel."""
