"""The collector: receives reports, stores observations, assembles system SBOMs."""
