"""Settings package: ``base`` reads the environment, ``dev``/``test``/``prod`` adjust it."""
