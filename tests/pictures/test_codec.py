"""Picture documents: what a stored trace keeps to be drawn again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import orjson
import pytest
from pydantic import Field, TypeAdapter

from engine.pictures import Picture, TraceAnimation
from engine.pictures.codec import PictureFormatError, dump_picture, load_picture


def test_every_case_survives_a_round_trip(cases: dict[str, Picture]) -> None:
    for name, picture in cases.items():
        document = dump_picture(picture)
        assert load_picture(document) == picture, name
        assert len(document) < 20_000, name


def test_a_document_is_what_the_schema_writes(cases: dict[str, Picture]) -> None:
    """Pictures are written by orjson from the values themselves (fast, on every /trace):
    the document the validating schema would write (a whole number may be written as `0`
    where the schema writes `0.0`), so stored traces keep one format."""
    schema = TypeAdapter(Annotated[Picture, Field(discriminator="kind")])
    for name, picture in cases.items():
        expected = schema.dump_python(picture, mode="json")
        assert orjson.loads(dump_picture(picture)) == expected, name


def test_a_stored_animation_draws_the_same_frames(cases: dict[str, Picture]) -> None:
    from bot.pictures import render_frame

    animation = cases["dead-server-animation"]
    assert isinstance(animation, TraceAnimation)
    again = load_picture(dump_picture(animation))
    assert isinstance(again, TraceAnimation)
    assert render_frame(again, 3).data == render_frame(animation, 3).data


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: "not json",
        lambda doc: orjson.dumps({**orjson.loads(doc), "kind": "sculpture"}).decode(),
        lambda doc: orjson.dumps({**orjson.loads(doc), "apps": "many"}).decode(),
        # A path naming a node the cluster lacks is refused by the value itself.
        lambda doc: doc.replace('"source":"lb"', '"source":"ghost"'),
    ],
)
def test_a_bad_document_is_a_format_error(
    cases: dict[str, Picture], change: Callable[[str], str]
) -> None:
    document = dump_picture(cases["cold-get"])
    with pytest.raises(PictureFormatError, match="not a picture document"):
        load_picture(change(document))
