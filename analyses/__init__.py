"""Reports derived from the event tables, their rebuild jobs, dashboards and exports."""
