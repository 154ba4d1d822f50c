"""Documents residents attach and the office issues: checks on their content."""
