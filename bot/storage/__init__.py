"""Storage: SQLAlchemy 2 async Core, one repository per aggregate, dataclasses out."""
