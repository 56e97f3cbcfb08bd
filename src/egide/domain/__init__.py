"""The pure core: rules and value objects. Standard library only: no SQL, no web, no YAML."""
