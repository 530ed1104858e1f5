"""Headless engine control: a local Unix socket carrying the same snapshots and commands the
in-process console uses, so consoles attach and detach while the engine keeps running."""
