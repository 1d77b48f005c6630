"""Capacity services: the only code that writes capacity models."""
