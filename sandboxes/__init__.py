"""Stand-ins for the outside services the platform talks to over the Internet, run locally (`make run`, tests).

Each is a separate small server speaking the real service's wire contract; the platform only gets its URL.
"""
