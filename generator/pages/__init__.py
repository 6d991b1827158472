"""Stages 5-6, the pages: the docs tree, the engine that renders its frame, the shells.

``render`` writes the pages around the records and each record's page, ``render_history``
its history and past versions, ``map`` and ``provenance`` (drawn by ``drawing``) the
relations between records. ``tree`` collects pages by address; ``engine`` is the one module
that runs mkdocs-material or Zensical; ``shells`` pours every page outside the navigation
into pages the engine made.
"""
