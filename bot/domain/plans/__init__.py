"""Follow-up plans: model, expansion into due steps, loading from YAML, and edits."""
