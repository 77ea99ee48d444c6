"""HTML for the demo pages (escaped; no guest data is ever rendered here)."""
