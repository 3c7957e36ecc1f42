"""Notices: issuing, correcting, batches and verification."""
