"""Focus-group sessions recorded by facilitators and focal points, for the course team."""
