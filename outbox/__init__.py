"""The outbox: background work is recorded in the database before it goes to the broker."""
