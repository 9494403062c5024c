"""The agent <-> collector contract (``netsbom.v1``) and its only conversion edge."""
