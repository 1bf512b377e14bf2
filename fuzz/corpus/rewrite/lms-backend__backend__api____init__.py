"""JSON API handlers used by the blueprints."""
