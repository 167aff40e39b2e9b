"""Full-text search over a case's words: transcripts, screenshot lines, statements, notes and letters.

`tokens` cuts text into the overlapping two-character pieces that are indexed, `index` keeps the
rows current as the texts change, `query` finds them for a user (README "Search")."""
