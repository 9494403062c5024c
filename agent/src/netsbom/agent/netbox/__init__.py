"""NetBox as a source of targets (``source: netbox`` inventories) and as a sink of what polls
found (``netsbom netbox sync``). Read and written with pynetbox (extra ``netsbom-agent[netbox]``).

    client.py   the pynetbox session: token by reference, TLS, timeout, errors in one line
    source.py   the inventory: NetBox devices -> netsbom targets (labels, address, platform)
    sync.py     records -> changes to NetBox devices (serial, custom fields), dry-run by default
"""
