"""/api/v1/problems/…: problems (prb-core) and proposals (prb-rca)."""
