"""No models. The module exists because Django sends ``post_migrate`` only to apps that
have one, and this app starts a new page cache generation on it (see apps.py)."""
