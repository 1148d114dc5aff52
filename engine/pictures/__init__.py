"""What to draw, as typed values: the cluster as a diagram, a trace as frames, load as a chart.

The engine says *what* a picture shows and never *how*: nothing here imports an imaging
library. `bot.pictures` turns these values into PNG and GIF bytes. A reply block can hold a
`Picture` as it is; its `alt` is the text a screen reader (and a text-only client) gets.
"""

from engine.pictures.chart import Chart
from engine.pictures.diagram import ClusterDiagram, TraceAnimation

Picture = ClusterDiagram | TraceAnimation | Chart

__all__ = ["Chart", "ClusterDiagram", "Picture", "TraceAnimation"]
