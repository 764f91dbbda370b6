"""Thin Telegram adapters: parse the update, call the domain, render a template."""
