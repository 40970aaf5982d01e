"""The secretariat's overview of people and courses."""
