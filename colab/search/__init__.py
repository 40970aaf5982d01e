"""Search across lessons, resources, events, the directory, threads and posts."""
