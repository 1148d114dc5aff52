"""Team study, pure: challenge durations, the team's combined coverage and the points."""
