"""The joint calendar: events by scope (global, region, community, cohort), .ics downloads and iCal feeds."""
