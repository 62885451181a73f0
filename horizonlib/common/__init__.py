"""Bottom layer: wording (``text``) and durations (``units``) shared by every other layer."""
