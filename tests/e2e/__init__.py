"""End-to-end tests: the rendered platform run as local processes."""
