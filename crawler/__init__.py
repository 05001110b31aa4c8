"""gongkai's Scrapy project: settings, items, the profile-driven spider, site profiles, the CLI."""
