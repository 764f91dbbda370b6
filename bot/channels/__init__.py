"""Channel adapters: platform traffic in as neutral events, neutral messages out as calls."""
