"""What the dashboard shows: tables and measures built from reports, tested on their own."""
