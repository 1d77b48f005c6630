"""`capacity_forecast` (one sweep now) and `capacity_simulate` (a shape over simulated days)."""
