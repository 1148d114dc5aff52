"""The Slack adapter: a pure Reply renderer (Block Kit) and the Bolt app around it."""
