"""The annotation loop with Label Studio: project setup, pushing pre-annotated reports, pulling corrections.

config.py builds the labeling config, client.py is the only module that talks to the server (through
label-studio-sdk 2.x), sync.py holds the push/pull/status logic against a small `Api` interface so it can be
tested without a server, cli.py wires `ie annotate`.
"""
