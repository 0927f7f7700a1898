"""Default and sample data shipped with gradegate: the expert roster and the demo files,
with the scripts that generate them."""
