"""The simulated lab: real SNMP agents on loopback, one per device of ``data/lab.yaml``.

Usage::

    from netsbom.lab.definition import default_definition_path, load_lab
    from netsbom.lab.runner import Lab

    with Lab(load_lab(default_definition_path()), state_dir, port=0) as lab:
        lab.write_inventory(state_dir / "inventory.yaml")
"""
