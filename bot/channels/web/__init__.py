"""The mobile web pages: a page channel (each chat's feed), capability links, the pages."""
