"""The Discord adapter: a pure Reply renderer and the discord.py client around it."""
