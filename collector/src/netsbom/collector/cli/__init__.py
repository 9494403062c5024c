"""The collector's commands: ``collector``, ``sbom``, ``inventory``, ``topology``, ``vuln``.

Registered as entry points (``netsbom.commands``) in collector/pyproject.toml; the modules only
declare commands and import the work when a command runs.
"""
