"""The database: schema, migrations, one repository module per table kind (no Slack, no HTTP)."""
