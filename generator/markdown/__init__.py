"""Markdown as GitHub shows it: conversion by cmark-gfm, the HTML policy, the sanitiser.

The lowest layer above the core: it knows nothing of records, only of Markdown text and
the HTML it becomes. ``limits`` bounds a body before it is converted.
"""
