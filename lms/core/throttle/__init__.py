"""Counting requests for rate limits in storage every worker and instance shares: the site's
database (PostgreSQL), a file beside it (SQLite), or Redis when configured."""
