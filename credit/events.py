"""Domain events other apps listen to; credit imports nothing from them (DESIGN §3).

All are sent on commit, so listeners read the committed state. Grades, restriction changes
and imported rows are written in bulk (no post_save), so these are the way to learn of them.
"""

import django.dispatch

# producer_ids: list[int] — these producers' public grade or score changed (search reindexes).
grades_changed = django.dispatch.Signal()

# producer_ids: list[int] — producers whose own row or facts were written in bulk (imports):
# no post_save was sent for those rows, and their grade may not change (search reindexes).
records_imported = django.dispatch.Signal()

# change_ids: list[int] — new RestrictionChange rows, the joint-punishment feed (webhooks).
restriction_changes_created = django.dispatch.Signal()
