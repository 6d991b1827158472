"""The commands besides build and check: the preview server and the import of a decision log.

``preview`` rebuilds on change and ``server`` answers the browser from a process of its own;
``importer`` writes a new repository from an existing log, read by ``import_formats``.
"""
