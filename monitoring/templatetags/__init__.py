"""Template tags of the monitoring pages (monitoring_tags)."""
