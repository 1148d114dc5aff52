"""The request-trace simulation: a small cluster whose state persists between requests.

Pure and synchronous: no I/O, no wall clock. Time is the cluster's own simulated clock,
advanced by traffic and by explicit waits. Given the same seed and the same commands it
produces the same traces.
"""
