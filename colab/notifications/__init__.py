"""In-app notifications: what a person should see, with an unread count in the header."""
