"""Stage 4, the history: every record's revisions, read from git as GitHub merges them.

``history`` reads one pass of ``git log``; ``merges`` says what a merge, squash or rebase
publishes; ``diff`` compares two versions; ``rules`` and ``changes`` are the history rules
and the pull-request check built on them.
"""
