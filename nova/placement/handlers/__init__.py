"""One module per placement API resource; schemas in ../schemas."""
