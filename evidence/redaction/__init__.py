"""Redacted copies: what a copy for one reader must hide, and the copies made from it."""
