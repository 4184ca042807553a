"""The package version, read by the build and written into every run's provenance."""

__version__ = "0.1.0"
