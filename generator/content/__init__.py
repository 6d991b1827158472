"""Stages 1-3, the content: what the files under ``content/`` say, checked and linked.

``load`` reads the files (front matter as YAML nodes with their lines), ``validate`` checks
each against its type declared once in ``schema``, ``link`` resolves references between
records; ``model`` holds the resulting records and the site. ``assets`` are the files
beside the records, ``scaffold`` the templates of new records.
"""
