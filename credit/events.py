"""Signals other apps listen to. credit imports nothing from them (DESIGN §3); they learn
of changes here. Sent on commit, so listeners always read the committed state."""

from django.dispatch import Signal

# producer_ids: list[int] — grades stored for these producers changed.
grades_changed = Signal()

# change_ids: list[int] — new RestrictionChange rows (the joint-punishment feed).
restriction_changes_created = Signal()
