"""Public non-page routes of the portal (feeds, dashboard data, robots.txt…)."""

urlpatterns: list = []
