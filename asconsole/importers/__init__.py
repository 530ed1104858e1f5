"""Importers: public market data (exchange captures and history files) into the session
recording format, so backtests, replays and reports run on it as on a recorded session.

One module per source format; each turns input files into a stream of market events
(`BookSnapshot`, `BookDelta`, `Trade`) with the venue's update-id chain checked, and
`session.py` writes that stream with the `Recorder`. See docs/import.md.
"""
