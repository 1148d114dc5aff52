"""The Tutor service: the one entry point every adapter calls."""

from engine.tutor.actor import Actor
from engine.tutor.saving import ReplyThenSave, Saving
from engine.tutor.service import Tutor

__all__ = ["Actor", "ReplyThenSave", "Saving", "Tutor"]
