"""Journeys: outbound voice-agent calls and SMS, designed once and run against recipient lists."""

__version__ = "0.1.0"
