"""Pictures as JSON documents, so that a stored trace can be drawn again at any step.

A picture is rendered only when a reply is shown and its bytes are never stored; what may be
stored (beside a trace, for its Next and Previous buttons) is this description of it. Loading
validates the whole document, and anything unexpected is a `PictureFormatError`.
"""

from __future__ import annotations

import functools
from typing import Annotated

import orjson
from pydantic import Field, TypeAdapter, ValidationError

from engine.pictures import Picture


class PictureFormatError(ValueError):
    """A stored picture document that is not one this version can draw."""


@functools.cache
def _adapter() -> TypeAdapter[Picture]:
    # Built on first use (about 20 ms): the console never pays for it.
    return TypeAdapter(Annotated[Picture, Field(discriminator="kind")])


def dump_picture(picture: Picture) -> str:
    """A picture is frozen dataclasses of strings, numbers, enums and tuples, which orjson
    writes as they are, in one pass in C (a stored trace nests its picture the same way); the
    validating schema is needed only to read one back."""
    return orjson.dumps(picture).decode()


def load_picture(document: str) -> Picture:
    try:
        return picture_from_data(orjson.loads(document))
    except orjson.JSONDecodeError as error:
        raise PictureFormatError(f"not a picture document: {str(error)[:200]}") from error


def picture_data(picture: Picture) -> object:
    """The picture as JSON-ready values, as the validating schema writes them."""
    return _adapter().dump_python(picture, mode="json")


def picture_from_data(data: object) -> Picture:
    try:
        return _adapter().validate_python(data)
    except (ValidationError, ValueError) as error:
        raise PictureFormatError(f"not a picture document: {str(error)[:200]}") from error
