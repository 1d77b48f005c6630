"""Tests of the problems desk pages."""
