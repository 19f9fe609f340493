"""Stage 7, district rounds: many communities scored together, weighted by what the data say, ranked with
their uncertainty."""
