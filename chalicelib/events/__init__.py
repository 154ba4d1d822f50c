"""The platform's events: typed messages (topics.py) that modules exchange instead of calling each other."""
