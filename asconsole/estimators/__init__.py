"""Estimators of the quote models' parameters from market events: pure, cheap per event."""
