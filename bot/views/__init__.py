"""Block Kit builders: data in, blocks out. Built with slack_sdk's models so Slack's limits are
checked here, before anything is sent."""
