"""View builders: domain objects to response bodies, per resource."""
