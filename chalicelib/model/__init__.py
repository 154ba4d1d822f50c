"""The shared configuration model every layer reads.

service.py: a catalogue service's definition; tenant.py: a JST's configuration.
"""
