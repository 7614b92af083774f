"""Tasks, notices, tallies, exports, digests, points and regular days: the grid worker's desk."""
