"""SBOM exporters: a deployment configuration in, validated bytes out."""
