"""Measurements shared by the benchmarks (``bench/``) and the tests that hold their targets.

Each module here scores one aspect of newsearch on real data (entity
extraction on the annotated Reuters stories, spelling suggestions on the
Reuters index); ``bench/`` scripts print the figures and tests assert the
targets, through the same functions. Not part of the installed package.
"""
