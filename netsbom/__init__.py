"""netsbom: the system SBOM of a live network."""

__version__ = "0.1.0"
