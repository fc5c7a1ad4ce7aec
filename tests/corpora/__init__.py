"""Tests over real third-party guides kept outside the repository (../shared/corpora)."""
