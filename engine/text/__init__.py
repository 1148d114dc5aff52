"""Small helpers for the words Rungs reads and writes: counts with the right noun, dates in
plain English, time-zone names as people type them, and the contradictions a `/cluster set`
line can hold. Pure and platform-free."""
