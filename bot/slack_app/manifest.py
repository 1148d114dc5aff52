"""The Slack app manifest, generated from the engine's command specs (one source), so a new
user creates the app in one paste: api.slack.com/apps → Create New App → From a manifest."""

from __future__ import annotations

from typing import Any

from engine.commands.specs import BY_NAME, CommandSpec

EVENTS_PATH = "/slack/events"
UMBRELLA_HINT = "trace GET /u/7 · drill · help"
# chat:write posts challenge reveals and daily drills; chat:write.public lets it post in public
# channels it was not invited to; im:write opens the DM for replies to App Home buttons;
# users:read tells workspace admins (who may set a channel's daily drill) from others;
# files:write uploads a reply's pictures (files.getUploadURLExternal, completeUploadExternal).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "im:write",
    "users:read",
    "files:write",
)


def manifest(public_url: str | None = None, name: str = "Rungs") -> dict[str, Any]:
    """Socket Mode when `public_url` is None; otherwise HTTP mode with every request URL at
    `{public_url}/slack/events` (the address of the load balancer in front of the replicas)."""
    url = f"{public_url.rstrip('/')}{EVENTS_PATH}" if public_url else None
    commands = [
        _command(f"/{spec.name}", spec.summary, _hint(spec), url) for spec in BY_NAME.values()
    ]
    commands.append(
        _command("/rungs", "Every Rungs command in one: /rungs <command> …", UMBRELLA_HINT, url)
    )
    settings: dict[str, Any] = {
        "event_subscriptions": {"bot_events": ["app_home_opened"]},
        "interactivity": {"is_enabled": True},
        "org_deploy_enabled": False,
        "socket_mode_enabled": url is None,
        "token_rotation_enabled": False,
    }
    if url is not None:
        settings["event_subscriptions"]["request_url"] = url
        settings["interactivity"]["request_url"] = url
    return {
        "display_information": {
            "name": name,
            "description": "A system-design tutor: trace requests, drill, study as a team.",
            "background_color": "#1d3b53",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": False,
            },
            "bot_user": {"display_name": name, "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": list(BOT_SCOPES)}},
        "settings": settings,
    }


def _command(command: str, summary: str, hint: str, url: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "command": command,
        "description": summary[:100],
        "should_escape": False,  # the raw text: the Tutor parses it, the renderer neutralises it
    }
    if hint:
        entry["usage_hint"] = hint[:100]
    if url is not None:
        entry["url"] = url
    return entry


def _hint(spec: CommandSpec) -> str:
    if spec.subcommands:
        return " | ".join(sub.name for sub in spec.subcommands)
    return spec.usage
