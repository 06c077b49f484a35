"""Stdlib-only building blocks that every layer may import: the one text differ and the one atomic write."""
