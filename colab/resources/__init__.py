"""The resource library: guides, toolkits, research and more, by topic, language, region and kind."""
