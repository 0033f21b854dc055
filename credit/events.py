"""Domain events other apps listen to; credit imports nothing from them (DESIGN §3).

Both are sent on commit, so listeners read the committed state. Grades and restriction
changes are written in bulk (no post_save), so these are the way to learn of them.
"""

import django.dispatch

# producer_ids: list[int] — these producers' public grade or score changed (search reindexes).
grades_changed = django.dispatch.Signal()

# change_ids: list[int] — new RestrictionChange rows, the joint-punishment feed (webhooks).
restriction_changes_created = django.dispatch.Signal()
