"""The agent: polls devices over SNMP and SSH and reports records to the collector."""
