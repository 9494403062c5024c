"""netsbom: the system SBOM of a live network."""

__version__ = "0.2.0"
