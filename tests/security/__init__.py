"""Security proofs: CSRF on every POST, headers on every response, no script from user
text in any page, PDF or CSV, and uploads that fail clearly and write nothing."""
