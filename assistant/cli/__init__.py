"""Command-line interface: a thin front end over `assistant.service.Assistant`."""
