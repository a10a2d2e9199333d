"""Do No Harm Policy Analyzer: reads counter-trafficking policies and finds the provisions that harm victims."""

__version__ = "0.1.0"
