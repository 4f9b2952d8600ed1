"""The strategy website: pages, MkDocs configuration, open data, build."""
