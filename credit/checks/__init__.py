"""Batch credit checks, the joint-punishment feed and its webhooks (issue 6)."""
