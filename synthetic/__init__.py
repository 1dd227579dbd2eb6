"""A synthetic archive for benchmarks and tests: ``manage.py generate_archive``. No models."""
