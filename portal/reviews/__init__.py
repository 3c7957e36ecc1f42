"""Expert review: formal check, conflicts, panels, assignment, scoring, ranking, decisions."""
