"""Reading offline in an ordinary browser: the service worker, and the page it shows when there is no connection."""
