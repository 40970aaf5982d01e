"""Publishing course content without a developer: upload, check, preview the changes, publish, restore."""
