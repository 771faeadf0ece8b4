"""Pure domain logic for Rapport: standard library only, time is always a parameter."""
