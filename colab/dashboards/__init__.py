"""How cohorts are doing: dashboards per cohort, per region and for the whole alliance, with CSV exports."""
