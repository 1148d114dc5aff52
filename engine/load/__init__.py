"""Load: the channel's cluster under traffic, as pure functions.

- `answer.run_load` — /load: the steady state (queueing per node and tier, the cache's hit
  ratio, what breaks first, the next rungs and their bills) and the text parts to show.
- `scenario_story.run_scenario` — /scenario: scheduled events over simulated time, as a time
  line and series for a chart.
- `climb` — the ladder game's rules; `codec` stores its state.
- `follow_up.under_load` — a drill attempt's "see it under load".
- `topology.topology_of` — the only reader of engine.sim's state.

No I/O, no storage, no chat library, no numerical library (tests/load checks it against a
discrete-event simulation with ciw, which only the tests import).
"""
