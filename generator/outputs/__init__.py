"""Stages 7-9, what a build publishes besides the pages: feeds, open data, sitemap, search.

``feeds`` plans and writes every feed (the pages announce them), ``data`` the open data and
the manifest, ``sitemap`` the engine's sitemap with the poured pages, ``search`` the Pagefind
index; ``publish`` puts the finished site in place of the old one.
"""
