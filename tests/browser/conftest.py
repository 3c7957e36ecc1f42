"""Stories told in Chromium."""
