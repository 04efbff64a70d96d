"""Plumbing that knows no domain: the layer every package builds on (docs/architecture.md)."""
