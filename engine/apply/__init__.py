"""Applying model replies to files: locate each change robustly, refuse what is ambiguous. Pure except syntax.py,
which parses with tree-sitter (context/)."""
