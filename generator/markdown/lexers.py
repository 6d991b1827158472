"""The lexers of a site's fences, built in the pool's server before it forks any process.

Imported by the server that every process of the pool is forked from (see
generator/parallel.py): the build names its fences' languages in the variable
``LANGUAGES_VARIABLE``, and each forked process finds their lexers compiled, instead of
compiling each of them again.
"""

from __future__ import annotations

import os

from generator.markdown.convert import LANGUAGES_VARIABLE, prepare_lexers

prepare_lexers(os.environ.get(LANGUAGES_VARIABLE, "").split())
