"""Drafts circulated to recipients for comments by a deadline."""
