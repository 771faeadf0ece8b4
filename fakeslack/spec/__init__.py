"""Generated Slack Web API subset used by FakeSlack; see PROVENANCE.md."""
