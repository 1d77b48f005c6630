"""Tests of inbound: mail in."""
