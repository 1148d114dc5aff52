"""The Tutor service: the one entry point every adapter calls.

`service.Tutor` parses a command and hands it to its family's handler (`handlers/`), which
reads and writes through the ports it was given, and answers with a reply built by a
presenter (`presenters/`); the clusters, cached and saved in batches, have a repository
(`repositories/`).
"""

from engine.tutor.actor import Actor
from engine.tutor.saving import ReplyThenSave, Saving
from engine.tutor.service import Tutor

__all__ = ["Actor", "ReplyThenSave", "Saving", "Tutor"]
