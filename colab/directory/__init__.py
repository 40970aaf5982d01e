"""The opt-in member directory, the alliance's organisations, and a map of counts per country."""
