"""Tests for problem management."""
