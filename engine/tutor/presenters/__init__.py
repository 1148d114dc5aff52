"""Presenters: the replies the handlers answer with, built from domain values. No markup (the
platform renderers own it), no state, no storage."""
